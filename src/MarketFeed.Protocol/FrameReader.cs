using MarketFeed.Core;
using MessagePack;

namespace MarketFeed.Protocol;

/// <summary>
/// Reads one server frame message by message without allocating for market data: quotes and
/// trades go through <see cref="TickMessageReader"/> straight from the span; every other message
/// (and any quote or trade in a shape it does not take) through <see cref="FrameDecoder"/>.
/// The path for load generators and the .NET client's raw-frame handlers.
/// </summary>
/// <example>
/// <code>
/// var frame = new FrameReader(bytes);
/// while (frame.Remaining > 0)
/// {
///     if (frame.TryReadTick(out Tick tick, out ServerMessage? other)) { /* tick */ }
///     else { /* other: ack, snapshot, heartbeat, ... */ }
/// }
/// </code>
/// </example>
public ref struct FrameReader
{
    private readonly ReadOnlyMemory<byte> _frame;
    private readonly ReadOnlySpan<byte> _span;
    private int _offset;

    /// <summary>Reads the frame's array header.</summary>
    /// <exception cref="MessagePackSerializationException">The frame does not start with an array header.</exception>
    public FrameReader(ReadOnlyMemory<byte> frame)
    {
        _frame = frame;
        _span = frame.Span;
        var reader = new MessagePackReader(frame);
        Count = reader.ReadArrayHeader();
        _offset = (int)reader.Consumed;
        Remaining = Count;
    }

    /// <summary>Messages in the frame.</summary>
    public int Count { get; }

    /// <summary>Messages not read yet.</summary>
    public int Remaining { get; private set; }

    /// <summary>
    /// Reads the next message: a quote or trade fills <paramref name="tick"/> and returns true;
    /// anything else returns false with <paramref name="other"/> set to the decoded message.
    /// </summary>
    /// <exception cref="MessagePackSerializationException">The message is malformed, or none is left.</exception>
    /// <exception cref="EndOfStreamException">The message is truncated.</exception>
    public bool TryReadTick(out Tick tick, out ServerMessage? other)
    {
        if (Remaining <= 0)
        {
            throw new MessagePackSerializationException("no message left in the frame");
        }

        Remaining--;
        int n = TickMessageReader.TryRead(_span[_offset..], out tick);
        if (n > 0)
        {
            _offset += n;
            other = null;
            return true;
        }

        var reader = new MessagePackReader(_frame[_offset..]);
        bool isTick = FrameDecoder.TryReadTick(ref reader, out tick, out other);
        _offset += (int)reader.Consumed;
        return isTick;
    }
}
