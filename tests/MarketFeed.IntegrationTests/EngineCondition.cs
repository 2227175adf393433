using MarketFeed.Core;
using MarketFeed.Engine;

namespace MarketFeed.IntegrationTests;

/// <summary>
/// Awaits a condition on the live engine as a signal instead of polling it with delays: an
/// <see cref="ITickObserver"/> evaluates the condition on the sequencer thread after every tick is published and
/// completes a task the first time it holds.
/// </summary>
public sealed class EngineCondition : ITickObserver
{
    private readonly Func<bool> _condition;
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private EngineCondition(Func<bool> condition) => _condition = condition;

    /// <summary>Completes once <paramref name="condition"/> holds (checked now and after every tick); throws on timeout.</summary>
    public static async Task WhenAsync(ConflationEngine engine, Func<bool> condition, TimeSpan timeout)
    {
        var observer = new EngineCondition(condition);
        engine.AddPublishedObserver(observer); // after the tick is applied: the condition sees it
        try
        {
            if (condition())
            {
                return;
            }

            await observer._reached.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        finally
        {
            engine.RemoveObserver(observer);
        }
    }

    /// <inheritdoc />
    public void OnTick(in Tick tick)
    {
        if (!_reached.Task.IsCompleted && _condition())
        {
            _reached.TrySetResult();
        }
    }
}
