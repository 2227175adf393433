namespace MarketFeed.Cli.Output;

/// <summary>An <see cref="IProgress{T}"/> that calls a delegate synchronously on the reporting thread (no sync-context post).</summary>
/// <typeparam name="T">Progress value type.</typeparam>
internal sealed class CallbackProgress<T>(Action<T> report) : IProgress<T>
{
    /// <inheritdoc />
    public void Report(T value) => report(value);
}
