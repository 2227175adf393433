using System.Net.WebSockets;
using MarketFeed.Core;
using MarketFeed.Protocol;

namespace MarketFeed.Client;

/// <content>Connect, heartbeat watchdog, reconnect with backoff and resubscription.</content>
public sealed partial class MarketFeedClient
{
    /// <summary>
    /// Opens the WebSocket and waits for the server's welcome. Fails (no retry) if the first connection cannot be
    /// made; once connected, lost connections are re-established in the background (<see cref="MarketFeedClientOptions.AutoReconnect"/>).
    /// </summary>
    /// <exception cref="MarketFeedConnectionException">The server could not be reached or did not greet in time.</exception>
    /// <exception cref="InvalidOperationException">Already connected, or the client was closed.</exception>
    public async Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        lock (_stateLock)
        {
            if (_state != ConnectionState.Disconnected)
            {
                throw new InvalidOperationException($"ConnectAsync called in state {_state}");
            }
        }

        SetState(ConnectionState.Connecting);
        FeedConnection connection;
        try
        {
            connection = await OpenFirstAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not MarketFeedConnectionException)
        {
            SetState(ConnectionState.Disconnected);
            if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw new MarketFeedConnectionException($"cannot connect to {DescribeEndpoints()}: {Describe(ex)}", ex);
        }
        catch (MarketFeedConnectionException)
        {
            SetState(ConnectionState.Disconnected);
            throw;
        }

        SetState(ConnectionState.Connected);
        _supervisor = Task.Run(() => SuperviseAsync(connection), CancellationToken.None);
    }

    private static string Describe(Exception ex) => ex switch
    {
        OperationCanceledException => "timed out",
        WebSocketException { InnerException: { } inner } => ex.Message + " (" + inner.Message + ")",
        _ => ex.Message,
    };

    private async Task<FeedConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        if (!string.IsNullOrEmpty(_options.SubProtocol))
        {
            socket.Options.AddSubProtocol(_options.SubProtocol);
        }

        if (_options.RemoteCertificateValidation is { } validate)
        {
            socket.Options.RemoteCertificateValidationCallback = validate;
        }
        else if (_options.PinnedServerCertificateSha256 is { } pin)
        {
            socket.Options.RemoteCertificateValidationCallback = ServerCertificatePin.Callback(ServerCertificatePin.Parse(pin)!);
        }

        using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, _lifetime.Token);
        var connection = new FeedConnection(socket, _time, Interlocked.Increment(ref _generation));
        try
        {
            if (_options.HttpInvoker is { } invoker)
            {
                await socket.ConnectAsync(CurrentUri, invoker, linked.Token).ConfigureAwait(false);
            }
            else
            {
                await socket.ConnectAsync(CurrentUri, linked.Token).ConfigureAwait(false);
            }

            InvokeOpened();
            _connection = connection;
            connection.ReceiveTask = Task.Run(() => ReceiveLoopAsync(connection), CancellationToken.None);
            var welcome = await connection.Welcome.Task.WaitAsync(linked.Token).ConfigureAwait(false);
            var interval = _options.DefaultHeartbeatInterval;
            if (welcome?.Details.TryGetValue("heartbeatMs", out object? ms) == true && ms is long heartbeatMs && heartbeatMs > 0)
            {
                interval = TimeSpan.FromMilliseconds(heartbeatMs);
            }

            if (_options.HeartbeatTimeoutMultiplier > 0)
            {
                connection.StartHeartbeatWatchdog(interval, interval * _options.HeartbeatTimeoutMultiplier);
            }

            return connection;
        }
        catch
        {
            if (ReferenceEquals(_connection, connection))
            {
                _connection = null;
            }

            socket.Abort();
            try
            {
                await connection.ReceiveTask.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The receive loop never throws; this is belt and braces.
            }

            connection.Dispose();
            throw;
        }
    }

    private void InvokeOpened()
    {
        try
        {
            _options.RawHandler?.OnOpened();
        }
        catch (Exception)
        {
            // The hook belongs to the application; its failures must not fail the connect.
        }
    }

    /// <summary>Watches the current connection; when it ends, records why and reconnects (or closes).</summary>
    private async Task SuperviseAsync(FeedConnection connection)
    {
        while (true)
        {
            var info = await connection.ReceiveTask.ConfigureAwait(false);
            _connection = null;
            connection.Dispose();
            lock (_stateLock)
            {
                _lastDisconnect = info;
            }

            FailPendingRequests(new MarketFeedConnectionException("connection lost: " + info));
            if (_lifetime.IsCancellationRequested || !_options.AutoReconnect || !IsRetryable(info))
            {
                SetState(ConnectionState.Closed);
                _channel.Writer.TryComplete();
                return;
            }

            SetState(ConnectionState.Reconnecting);
            var next = await ReconnectAsync().ConfigureAwait(false);
            if (next is null)
            {
                SetState(ConnectionState.Closed);
                _channel.Writer.TryComplete();
                return;
            }

            connection = next;
        }
    }

    /// <summary>Close codes after which reconnecting would only repeat the failure (docs/protocol.md section 9: "fix the client").</summary>
    private static bool IsRetryable(DisconnectInfo info) =>
        info.Cause != DisconnectCause.ClientClosed &&
        info.CloseCode is not (1003 or CloseCodes.PolicyViolation or CloseCodes.MessageTooBig);

    private async Task<FeedConnection?> ReconnectAsync()
    {
        ForgetConnectionState();
        for (int attempt = 0; _options.MaxReconnectAttempts == 0 || attempt < _options.MaxReconnectAttempts; attempt++)
        {
            var delay = ReconnectBackoff.Compute(attempt, _options.ReconnectInitialDelay, _options.ReconnectMaxDelay, _options.ReconnectJitter, Random.Shared.NextDouble());
            if (MoveToNextEndpoint() && attempt == 0)
            {
                delay = TimeSpan.Zero; // failover: another gateway of the same feed, try it at once
            }

            try
            {
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, _time, _lifetime.Token).ConfigureAwait(false);
                }

                var connection = await OpenAsync(_lifetime.Token).ConfigureAwait(false);
                Interlocked.Increment(ref _reconnectCount);
                await ResubscribeAllAsync(connection).ConfigureAwait(false);
                SetState(ConnectionState.Connected);
                return connection;
            }
            catch (Exception) when (_lifetime.IsCancellationRequested)
            {
                return null;
            }
            catch (Exception ex)
            {
                lock (_stateLock)
                {
                    _lastDisconnect = new DisconnectInfo(DisconnectCause.ConnectionLost, null, null, ex, _time.GetUtcNow());
                }
            }
        }

        return null;
    }

    /// <summary>Drops the ids of the dead connection; live states stay (stale) until the new snapshots replace them.</summary>
    private void ForgetConnectionState()
    {
        lock (_stateLock)
        {
            _byId.Clear();
            _serverDetails = null;
            _resumeEpoch = _epoch;
            foreach (var state in _liveByName.Values)
            {
                state.AwaitingSnapshot = true;
                state.HasBaseline = false;
            }
        }
    }

    /// <summary>Sends one subscribe per (mode, throttle) group of the current subscriptions; acks and snapshots are handled by the receive loop.</summary>
    private async Task ResubscribeAllAsync(FeedConnection connection)
    {
        List<(DeliveryMode Mode, int Throttle, IReadOnlyList<string>? Bars, List<string> Symbols)> groups = [];
        Dictionary<string, long>? resume = null;
        long epoch;
        lock (_stateLock)
        {
            epoch = _resumeEpoch;
            foreach (var sub in _subscriptions.Values)
            {
                // Resume from the last seq held (protocol 7.1); the ack says per symbol whether it worked.
                if (_options.ResumeOnReconnect && epoch > 0 && _liveByName.TryGetValue(sub.Symbol, out var state) && state.HasData && !state.IsReplay)
                {
                    state.ResumeAfter = state.Snapshot.Sequence;
                    (resume ??= new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase))[sub.Symbol] = state.ResumeAfter;
                }

                int index = groups.FindIndex(g => g.Mode == sub.Mode && g.Throttle == sub.Throttle && SameBars(g.Bars, sub.Bars));
                if (index < 0)
                {
                    groups.Add((sub.Mode, sub.Throttle, sub.Bars, [sub.Symbol]));
                }
                else
                {
                    groups[index].Symbols.Add(sub.Symbol);
                }
            }
        }

        foreach (var (mode, throttle, bars, symbols) in groups)
        {
            var request = new ControlRequest
            {
                Op = ControlRequest.Ops.Subscribe,
                Id = NextRequestId(),
                Symbols = symbols,
                Mode = mode,
                Throttle = throttle,
                Epoch = resume is null ? null : epoch,
                Resume = resume,
                Bars = bars,
            };
            NoteSubscribeBars(request.Id, bars);
            await SendAsync(connection, ControlRequestWriter.ToMessagePack(request), _lifetime.Token).ConfigureAwait(false);
        }
    }

    /// <summary>Remembers the bars a subscribe asked for until its ack (the ack does not repeat them).</summary>
    private void NoteSubscribeBars(long requestId, IReadOnlyList<string>? bars)
    {
        if (bars is { Count: > 0 })
        {
            _subscribeBars[requestId] = bars;
        }
    }

    private static bool SameBars(IReadOnlyList<string>? a, IReadOnlyList<string>? b) =>
        (a is null || a.Count == 0) ? (b is null || b.Count == 0) : (b is not null && a.SequenceEqual(b));

    private void FailPendingRequests(Exception error)
    {
        foreach (var pending in _pending.Values)
        {
            pending.Completion.TrySetException(error);
        }
    }
}
