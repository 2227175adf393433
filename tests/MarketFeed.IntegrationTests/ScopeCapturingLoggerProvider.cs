using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace MarketFeed.IntegrationTests;

/// <summary>Keeps every log entry at every level with its category, text and the properties of its scopes.</summary>
public sealed class ScopeCapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<Entry> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();
    private int _closedLines;
    private readonly TaskCompletionSource _enoughClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Number of "closed" lines (event 11) that completes <see cref="WhenClosedAsync"/>.</summary>
    public int ClosedLinesWanted { get; init; } = 1;

    public IReadOnlyCollection<Entry> Entries => _entries;

    /// <summary>Completes once <see cref="ClosedLinesWanted"/> connections logged their close.</summary>
    public Task WhenClosedAsync => _enoughClosed.Task;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    /// <summary>One entry: everything a sink could write.</summary>
    public sealed record Entry(string Category, EventId Id, LogLevel Level, string Text, IReadOnlyDictionary<string, object?> Scope, string State)
    {
        /// <summary>All of it as one string (to search for secrets).</summary>
        public string All => Category + " " + Text + " " + State + " " + string.Join(" ", Scope.Select(kv => kv.Key + "=" + kv.Value));
    }

    private sealed class Logger(ScopeCapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scope = new Dictionary<string, object?>(StringComparer.Ordinal);
            owner._scopes.ForEachScope(
                (s, d) =>
                {
                    if (s is IEnumerable<KeyValuePair<string, object?>> pairs)
                    {
                        foreach (var kv in pairs)
                        {
                            d[kv.Key] = kv.Value;
                        }
                    }
                    else if (s is not null)
                    {
                        d["scope:" + d.Count] = s.ToString();
                    }
                },
                scope);
            string stateText = state is IEnumerable<KeyValuePair<string, object?>> values
                ? string.Join(" ", values.Select(kv => kv.Key + "=" + kv.Value))
                : state?.ToString() ?? string.Empty;
            string text = formatter(state, exception) + (exception is null ? string.Empty : " | " + exception);
            owner._entries.Enqueue(new Entry(category, eventId, logLevel, text, scope, stateText));
            if (category == "MarketFeed.Connection" && eventId.Id == 11 && Interlocked.Increment(ref owner._closedLines) >= owner.ClosedLinesWanted)
            {
                owner._enoughClosed.TrySetResult();
            }
        }
    }
}
