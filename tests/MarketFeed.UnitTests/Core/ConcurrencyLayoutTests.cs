using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using MarketFeed.Core;
using MarketFeed.Core.Concurrency;
using MarketFeed.Engine;

namespace MarketFeed.UnitTests.Core;

/// <summary>
/// The one padding convention (<see cref="PaddedLong"/>), the one SPSC ring (<see cref="SpscRing{T}"/>)
/// and the one seqlock (<see cref="Seqlock"/>): their layout, and that the shared-state types use them.
/// </summary>
public sealed class ConcurrencyLayoutTests
{
    private const int CacheLine = 64;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public void PaddedLong_KeepsValueAloneOnItsCacheLines()
    {
        Assert.Equal(2 * CacheLine, Unsafe.SizeOf<PaddedLong>());
        var padded = default(PaddedLong);
        nint offset = Unsafe.ByteOffset(ref Unsafe.As<PaddedLong, byte>(ref padded), ref Unsafe.As<long, byte>(ref padded.Value));

        // At least a line's worth of padding before (56 bytes + the 8 of the value) and a whole line after,
        // wherever the struct starts: nothing else can share the value's line.
        Assert.Equal(CacheLine - sizeof(long), offset);
        Assert.True(Unsafe.SizeOf<PaddedLong>() - offset - sizeof(long) >= CacheLine - sizeof(long));
    }

    [Fact]
    public void ExplicitLayoutStructs_DeclareTheirSizeAndKeepFieldsInside()
    {
        // Disruptor-style guard: every explicit-layout struct of ours states its size, and no field
        // overlaps the end (a field added without moving Size would silently break the padding).
        Type[] types = [.. typeof(Tick).Assembly.GetTypes(), .. typeof(ConflationEngine).Assembly.GetTypes()];
        int checkedTypes = 0;
        foreach (Type type in types)
        {
            if (!type.IsValueType || type.StructLayoutAttribute?.Value != LayoutKind.Explicit)
            {
                continue;
            }

            int size = type.StructLayoutAttribute.Size;
            Assert.True(size > 0, $"{type.Name}: explicit layout without Size");
            foreach (FieldInfo field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                int offset = field.GetCustomAttribute<FieldOffsetAttribute>()!.Value;
                int fieldSize = Marshal.SizeOf(field.FieldType.IsEnum ? Enum.GetUnderlyingType(field.FieldType) : field.FieldType);
                Assert.True(offset + fieldSize <= size, $"{type.Name}.{field.Name} ends at {offset + fieldSize} > Size {size}");
            }

            checkedTypes++;
        }

        Assert.True(checkedTypes >= 2, "expected at least Tick and PaddedLong");
    }

    [Theory]
    [InlineData(typeof(SpscRing<Tick>))]
    [InlineData(typeof(TickJournal))]
    public void SharedCounters_ArePaddedLongs_NeverBareIntegers(Type type)
    {
        FieldInfo[] fields = type.GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public);
        Assert.Contains(fields, f => f.FieldType == typeof(PaddedLong));
        foreach (FieldInfo field in fields)
        {
            bool mutableInteger = !field.IsInitOnly && (field.FieldType == typeof(long) || field.FieldType == typeof(int));
            Assert.False(mutableInteger, $"{type.Name}.{field.Name} is a bare {field.FieldType.Name}: use PaddedLong");
        }
    }

    [Theory]
    [InlineData("_wake")]   // written by the tick path
    [InlineData("_cursor")] // written by the sender, read by metrics and the replay loop
    public void SubscriberJournalCursors_ArePadded(string name)
    {
        FieldInfo? field = typeof(Subscriber).GetField(name, BindingFlags.Instance | BindingFlags.NonPublic);
        Assert.NotNull(field);
        Assert.Equal(typeof(PaddedLong), field.FieldType);
    }

    [Fact]
    public void SpscRing_ConcurrentProducerConsumer_PreservesOrderAndLosesNothing()
    {
        var ring = new SpscRing<Tick>(1024);
        const int total = 1_000_000;
        var producer = Task.Run(() =>
        {
            var spinner = default(SpinWait);
            for (int i = 1; i <= total;)
            {
                var tick = new Tick { Sequence = i, Timestamp = i };
                if (ring.TryEnqueue(tick))
                {
                    i++;
                }
                else
                {
                    spinner.SpinOnce(sleep1Threshold: -1);
                }
            }
        });

        long expected = 1;
        var deadline = DateTime.UtcNow + Timeout;
        while (expected <= total && DateTime.UtcNow < deadline)
        {
            int available = ring.Available();
            for (int i = 0; i < available; i++)
            {
                ref readonly Tick t = ref ring.Peek(i);
                Assert.True(t.Sequence == expected && t.Timestamp == expected, $"expected {expected}, got {t}");
                expected++;
            }

            ring.Advance(available);
        }

        Assert.True(producer.Wait(Timeout));
        Assert.Equal(total + 1, expected);
        Assert.Equal(0, ring.Count);
        Assert.False(ring.TryDequeue(out _));
    }

    [Fact]
    public void SpscRing_Full_RefusesWithoutOverwriting()
    {
        var ring = new SpscRing<long>(4);
        for (long i = 0; i < 4; i++)
        {
            Assert.True(ring.TryEnqueue(i));
        }

        Assert.False(ring.TryEnqueue(99));
        Assert.True(ring.TryDequeue(out long first));
        Assert.Equal(0, first);
        Assert.True(ring.TryEnqueue(4));
        Assert.Equal(4, ring.Count);
    }

    [Fact]
    public void Seqlock_WriteMakesVersionOddThenNextEven_AndInvalidatesReaders()
    {
        long version = 0;
        long before = Volatile.Read(ref version);
        long begun = Seqlock.BeginWrite(ref version);
        Assert.Equal(1, version);
        Assert.False(Seqlock.TryBeginWrite(ref version, version)); // odd: being written
        Seqlock.EndWrite(ref version, begun);
        Assert.Equal(2, version);
        Assert.False(Seqlock.Validate(ref version, before));
        Assert.True(Seqlock.Validate(ref version, 2));
        Assert.False(Seqlock.TryBeginWrite(ref version, 0)); // changed since
        Assert.True(Seqlock.TryBeginWrite(ref version, 2));
    }
}
