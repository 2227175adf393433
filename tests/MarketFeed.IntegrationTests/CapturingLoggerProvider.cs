using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace MarketFeed.IntegrationTests;

/// <summary>Keeps every log line a server writes, and signals the first with a given event id.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<(EventId Id, LogLevel Level, string Message)> _lines = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource<string>> _waiters = new();

    /// <summary>Every line so far.</summary>
    public IReadOnlyCollection<(EventId Id, LogLevel Level, string Message)> Lines => _lines;

    /// <summary>Completes with the message of the first line with <paramref name="eventId"/>.</summary>
    public Task<string> WhenLoggedAsync(int eventId) =>
        _waiters.GetOrAdd(eventId, _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(this);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private void Add(EventId id, LogLevel level, string message)
    {
        _lines.Enqueue((id, level, message));
        _waiters.GetOrAdd(id.Id, _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(message);
    }

    private sealed class Logger(CapturingLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner.Add(eventId, logLevel, formatter(state, exception) + (exception is null ? string.Empty : " | " + exception.Message));
            }
        }
    }
}
