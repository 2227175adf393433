using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace MarketFeed.IntegrationTests;

/// <summary>Collects every log entry at Error or above (e.g. an unhandled exception on a connection).</summary>
public sealed class ErrorLogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _entries = new();

    /// <summary>Entries seen so far: category, message and exception.</summary>
    public IReadOnlyCollection<string> Entries => _entries;

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class Logger(ErrorLogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner._entries.Enqueue($"{category}: {formatter(state, exception)} {exception}");
            }
        }
    }
}
