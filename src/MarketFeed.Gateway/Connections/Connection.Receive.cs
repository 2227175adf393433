using System.Buffers;
using System.Net.WebSockets;
using MarketFeed.Protocol;
using MarketFeed.Gateway.Diagnostics;

namespace MarketFeed.Gateway.Connections;

internal sealed partial class Connection
{
    private const int InitialReceiveBuffer = 1024;

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
                    }

                    continue;
                }

                buffer = ArrayPool<byte>.Shared.Rent(InitialReceiveBuffer);
                int total = 0;
                bool tooBig = false;
                long tooBigId = 0;
                bool text = peek.MessageType == WebSocketMessageType.Text;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (total == buffer.Length)
                    {
                        if (buffer.Length > limit)
                        {
                            if (!tooBig)
                            {
                                // Only the first bytes are kept: the id is echoed if they hold it.
                                tooBigId = ControlRequestParser.TryReadId(buffer.AsMemory(0, total), text);
                            }

                            tooBig = true;
                            total = 0; // keep reading the rest of the message into the same buffer, discarding it
                        }
                        else
                        {
                            byte[] bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, limit + 1));
                            buffer.AsSpan(0, total).CopyTo(bigger);
                            ArrayPool<byte>.Shared.Return(buffer);
                            buffer = bigger;
                        }
                    }

                    result = await _socket.ReceiveAsync(buffer.AsMemory(total), _abort.Token).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        RequestClose(CloseCodes.Normal, string.Empty);
                        return;
                    }

                    total += result.Count;
                }
                while (!result.EndOfMessage);

                if (CloseCode == 0)
                {
                    if (tooBig || total > limit)
                    {
                        long id = tooBig ? tooBigId : ControlRequestParser.TryReadId(buffer.AsMemory(0, total), text);
                        ReplyError(id, ErrorCode.TooLarge, $"control message larger than {limit} bytes", null);
                        PolicyClose(CloseCodes.MessageTooBig, "control message too big");
                    }
                    else
                    {
                        _metrics.ControlMessage();
                        HandleMessage(buffer.AsMemory(0, total), text);
                    }
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
        if (Interlocked.Increment(ref _errors) > _options.MaxErrorsPerConnection)
        {
            PolicyClose(CloseCodes.PolicyViolation, "too many bad or rate-limited messages");
        }
    }

    private void PolicyClose(int code, string reason)
    {
        ServerLog.PolicyClose(_logger, Id, code, reason);
        _metrics.Dropped(code);
        RequestClose(code, reason);
    }
}
