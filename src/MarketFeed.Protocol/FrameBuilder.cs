using System.Buffers.Binary;
using MarketFeed.Core;
using MessagePack;

namespace MarketFeed.Protocol;

/// <summary>
/// Builds one server frame: a MessagePack array of messages. The array header is written as a
/// fixed 5-byte array32 and patched with the message count on <see cref="Complete"/>, so messages
/// can be appended (or copied in pre-encoded) without knowing the count in advance.
/// </summary>
/// <remarks>Not thread-safe: one owner (a connection's sender loop). Reuses its buffer; no allocation once warm.</remarks>
public sealed class FrameBuilder : IDisposable
{
    private const int HeaderBytes = 5;
    private readonly PooledBufferWriter _buffer;
    private int _count;

    /// <summary>Creates a builder.</summary>
    public FrameBuilder(int initialCapacity = 16 * 1024)
    {
        _buffer = new PooledBufferWriter(initialCapacity);
        Reset();
    }

    /// <summary>Messages added since <see cref="Reset"/>.</summary>
    public int MessageCount => _count;

    /// <summary>Bytes of the frame so far, header included.</summary>
    public int Length => _buffer.WrittenCount;

    /// <summary>True if no message was added.</summary>
    public bool IsEmpty => _count == 0;

    /// <summary>Starts a new, empty frame.</summary>
    public void Reset()
    {
        _buffer.Clear();
        var span = _buffer.GetSpan(HeaderBytes);
        span[0] = MessagePackCode.Array32;
        _buffer.Advance(HeaderBytes);
        _count = 0;
    }

    /// <summary>Gives the buffer back to the pool while idle; <see cref="Reset"/> rents again.</summary>
    public void Release()
    {
        _buffer.Release();
        _count = 0;
    }

    /// <summary>Appends a quote or trade message for a sequenced tick.</summary>
    public void AddTick(in Tick tick)
    {
        int written = TickMessageWriter.Write(tick, _buffer.GetSpan(MessageEncoder.MaxMarketDataMessageBytes));
        _buffer.Advance(written);
        _count++;
    }

    /// <summary>Appends a snapshot message.</summary>
    public void AddSnapshot(in MarketSnapshot snapshot)
    {
        var writer = new MessagePackWriter(_buffer);
        MessageEncoder.WriteSnapshot(ref writer, snapshot);
        writer.Flush();
        _count++;
    }

    /// <summary>Appends a heartbeat.</summary>
    public void AddHeartbeat(long serverTime)
    {
        var writer = new MessagePackWriter(_buffer);
        MessageEncoder.WriteHeartbeat(ref writer, serverTime);
        writer.Flush();
        _count++;
    }

    /// <summary>Appends one complete pre-encoded message (e.g. bytes shared between subscribers).</summary>
    public void AddEncoded(ReadOnlySpan<byte> message)
    {
        _buffer.Write(message);
        _count++;
    }

    /// <summary>
    /// Space for one message of up to <paramref name="maxLength"/> bytes at the end of the frame;
    /// nothing is added until <see cref="CommitMessage"/> (so a caller may write and then give up).
    /// </summary>
    public Span<byte> ReserveMessage(int maxLength) => _buffer.GetSpan(maxLength)[..maxLength];

    /// <summary>Adds the <paramref name="length"/> bytes written into the last <see cref="ReserveMessage"/> span as one message.</summary>
    public void CommitMessage(int length)
    {
        _buffer.Advance(length);
        _count++;
    }

    /// <summary>
    /// Appends a message written by <paramref name="write"/> (for the less frequent message kinds).
    /// </summary>
    public void Add<TState>(TState state, MessageWriterAction<TState> write)
    {
        var writer = new MessagePackWriter(_buffer);
        write(ref writer, state);
        writer.Flush();
        _count++;
    }

    /// <summary>The bytes written from <paramref name="start"/> (a <see cref="Length"/> taken before adding a message) to the end.</summary>
    public ReadOnlySpan<byte> WrittenSince(int start) => _buffer.WrittenSpan[start..];

    /// <summary>Patches the header and returns the frame bytes, valid until the next <see cref="Reset"/>.</summary>
    public ReadOnlyMemory<byte> Complete()
    {
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.WrittenSpanMutable.Slice(1, 4), (uint)_count);
        return _buffer.WrittenMemory;
    }

    /// <inheritdoc />
    public void Dispose() => _buffer.Dispose();
}

/// <summary>Writes one message with a <see cref="MessagePackWriter"/>.</summary>
public delegate void MessageWriterAction<in TState>(ref MessagePackWriter writer, TState state);
