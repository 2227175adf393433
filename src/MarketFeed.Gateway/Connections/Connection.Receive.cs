using System.Buffers;
using System.Net.WebSockets;
using MarketFeed.Protocol;
using MarketFeed.Gateway.Diagnostics;

namespace MarketFeed.Gateway.Connections;

internal sealed partial class Connection
{
    private const int InitialReceiveBuffer = 1024;

    // Upper bounds of one encoded message (MessagePack integers at their widest): a snapshot has 15
    // integers after its kind, a trade 8.
    private const int EstimatedSnapshotBytes = 16 * 9;
    private const int EstimatedTickBytes = 9 * 9;

    /// <summary>
    /// Reads control messages until the peer closes or the connection is closing. The one place
    /// where incoming size, rate and error limits are enforced.
    /// </summary>
    private async Task ReceiveLoopAsync()
    {
        byte[] buffer = [];
        try
        {
            int limit = _options.MaxControlMessageBytes;

            // Runs until the peer's close frame (or an abort): while the server is closing, input is
            // read and discarded so the close handshake completes instead of a connection reset.
            while (true)
            {
                // Wait for the next message without holding a buffer (zero-byte read): an idle
                // connection keeps no receive buffer.
                var peek = await _socket.ReceiveAsync(Memory<byte>.Empty, _abort.Token).ConfigureAwait(false);
                if (peek.MessageType == WebSocketMessageType.Close)
                {
                    RequestClose(CloseCodes.Normal, string.Empty);
                    return;
                }

                if (peek.EndOfMessage)
                {
                    // The whole message was empty: still an answer, never a silent ignore.
                    if (CloseCode == 0)
                    {
                        _metrics.ControlMessage();
                        HandleMessage(ReadOnlyMemory<byte>.Empty, peek.MessageType == WebSocketMessageType.Text);
                        CheckQueuedBytes();
                    }

                    continue;
                }

                buffer = ArrayPool<byte>.Shared.Rent(InitialReceiveBuffer);
                int total = 0;
                int cap = limit + 1; // read one byte past the limit, never more: the rest may never end
                bool text = peek.MessageType == WebSocketMessageType.Text;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (total == buffer.Length)
                    {
                        byte[] bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, cap));
                        buffer.AsSpan(0, total).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }

                    result = await _socket.ReceiveAsync(buffer.AsMemory(total, Math.Min(buffer.Length, cap) - total), _abort.Token).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        RequestClose(CloseCodes.Normal, string.Empty);
                        return;
                    }

                    total += result.Count;
                }
                while (!result.EndOfMessage && total <= limit);

                if (total > limit)
                {
                    // Whatever its framing (a 2^62-byte length, continuation frames without end), a
                    // message past the limit is not read further: error, close 1009, stop reading.
                    if (CloseCode == 0)
                    {
                        // Only the first bytes were read: the id is echoed if they hold it.
                        long id = ControlRequestParser.TryReadId(buffer.AsMemory(0, total), text);
                        ReplyError(id, ErrorCode.TooLarge, $"control message larger than {limit} bytes", null);
                        PolicyClose(CloseCodes.MessageTooBig, "control message too big");
                    }

                    _stoppedReading = true;
                    return;
                }

                if (CloseCode == 0)
                {
                    _metrics.ControlMessage();
                    HandleMessage(buffer.AsMemory(0, total), text);
                    CheckQueuedBytes();
                }

                ArrayPool<byte>.Shared.Return(buffer);
                buffer = [];
            }
        }
        finally
        {
            if (buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private void HandleMessage(ReadOnlyMemory<byte> payload, bool text)
    {
        if (!_rateLimiter.TryTake())
        {
            // Reading the id costs a bounded scan (the message is at most maxControlMessageBytes).
            CountBadInput(ControlRequestParser.TryReadId(payload, text), ErrorCode.RateLimited, "control messages too frequent; message ignored");
            return;
        }

        ControlRequest request;
        try
        {
            request = text ? ControlRequestParser.ParseJson(payload.Span) : ControlRequestParser.ParseMessagePack(payload);
        }
        catch (ControlRequestException ex)
        {
            // The parser knows the id when the map/object parsed; otherwise look for it in the prefix.
            CountBadInput(ex.RequestId != 0 ? ex.RequestId : ControlRequestParser.TryReadId(payload, text), ex.Code, ex.Message);
            return;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A parser gap, not the client's fault alone: still a documented 400, never a reset. Logged
            // as an error so that tests (and operators) see it.
            ServerLog.ConnectionFailed(_logger, Id, ex);
            CountBadInput(0, ErrorCode.BadRequest, "malformed control message");
            return;
        }

        try
        {
            Dispatch(request);
        }
        catch (ControlRequestException ex)
        {
            CountBadInput(request.Id, ex.Code, ex.Message);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ServerLog.ConnectionFailed(_logger, Id, ex);
            ReplyError(request.Id, ErrorCode.Internal, "internal error handling '" + request.Op + "'", null);
        }
    }

    private void CountBadInput(long requestId, ErrorCode code, string message)
    {
        ReplyError(requestId, code, message, null);
        CountError();
    }

    /// <summary>Counts one bad request toward <c>MaxErrorsPerConnection</c>; closes with 1008 beyond it.</summary>
    private void CountError()
    {
        if (Interlocked.Increment(ref _errors) > _options.MaxErrorsPerConnection)
        {
            PolicyClose(CloseCodes.PolicyViolation, "too many bad or rate-limited messages");
        }
    }

    /// <summary>
    /// The per-connection ceiling on everything queued for this client: a client that sends control
    /// messages but does not read (its replies and snapshots pile up) is closed with 1008 and its
    /// queues are freed at once, instead of growing until the slow-consumer timeout.
    /// </summary>
    private void CheckQueuedBytes()
    {
        long queued = QueuedBytes();
        long ceiling = _options.MaxQueuedBytesPerConnection;
        if (queued <= ceiling || CloseCode != 0)
        {
            return;
        }

        lock (_gate)
        {
            _outbox.Clear();
            _outboxBytes = 0;
        }

        _live.Dispose(); // drops its pending snapshots and queued ticks now; RunAsync disposes it again (idempotent)
        ReplyError(0, ErrorCode.LimitExceeded, $"more than {ceiling} bytes queued for this connection (it does not read its replies); closing", null);
        PolicyClose(CloseCodes.PolicyViolation, $"queued bytes over {ceiling}");
    }

    /// <summary>
    /// Estimated bytes queued for this connection: replies and pending full-mode snapshots. Full-mode
    /// ticks are not queued per connection any more: a reader is a cursor into the shared journal, and
    /// one that falls a journal behind is closed with 4001.
    /// </summary>
    internal long QueuedBytes()
    {
        long replies;
        lock (_gate)
        {
            replies = _outboxBytes;
        }

        return replies + ((long)_live.PendingSnapshotCount * EstimatedSnapshotBytes);
    }

    private void PolicyClose(int code, string reason)
    {
        ServerLog.PolicyClose(_logger, Id, code, reason);
        _metrics.Dropped(code);
        RequestClose(code, reason);

        // The close handshake is time-boxed: a client that neither reads the close nor answers it (an
        // attacker that only sends) is aborted after CloseTimeoutMs instead of being read forever.
        _abort.CancelAfter(_options.CloseTimeoutMs);
    }
}
