using System.Globalization;
using System.Text;
using MarketFeed.Core;

namespace MarketFeed.Sources.TickLog;

/// <summary>What <see cref="TickLogInspector.Inspect"/> found in a tick log.</summary>
public sealed class TickLogSummary
{
    /// <summary>The file.</summary>
    public required string Path { get; init; }

    /// <summary>File size in bytes.</summary>
    public long FileLength { get; init; }

    /// <summary>Header source text.</summary>
    public string Source { get; init; } = string.Empty;

    /// <summary>True if the footer index was valid (closed cleanly).</summary>
    public bool HasFooterIndex { get; init; }

    /// <summary>Blocks found.</summary>
    public int Blocks { get; init; }

    /// <summary>Blocks that failed checks.</summary>
    public int CorruptBlocks { get; init; }

    /// <summary>Ticks read back from intact blocks.</summary>
    public long Ticks { get; init; }

    /// <summary>First tick time, ns (0 if none).</summary>
    public long FirstTimestamp { get; init; }

    /// <summary>Last tick time, ns (0 if none).</summary>
    public long LastTimestamp { get; init; }

    /// <summary>Per-symbol totals, in log symbol id order.</summary>
    public required IReadOnlyList<TickLogSymbolSummary> Symbols { get; init; }

    /// <summary>All damage found (structure and checksums).</summary>
    public required IReadOnlyList<TickLogDamage> Damage { get; init; }

    /// <summary>True if nothing is damaged (a log without footer index may still be intact block by block; see <see cref="IsClosed"/>).</summary>
    public bool IsIntact => Damage.Count == 0;

    /// <summary>True if the log was closed cleanly (valid footer index): no writer died while appending to it.</summary>
    public bool IsClosed => HasFooterIndex;

    /// <summary>
    /// <c>intact</c> (closed cleanly, nothing damaged), <c>unclosed</c> (no footer index: being
    /// recorded or its writer was killed; every block found is intact, ticks the writer had not yet
    /// flushed are not in the file) or <c>damaged</c>. The same words as the catalog's state.
    /// </summary>
    public string State => !IsIntact ? "damaged" : IsClosed ? "intact" : "unclosed";

    /// <summary>A plain text report.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine(inv, $"{Path}: {FileLength:N0} bytes, {Blocks:N0} blocks ({CorruptBlocks} corrupt), {Ticks:N0} ticks, index: {(HasFooterIndex ? "footer" : "rebuilt by scan")}");
        if (Ticks > 0)
        {
            sb.AppendLine(inv, $"time range: {UnixTime.Format(FirstTimestamp)} .. {UnixTime.Format(LastTimestamp)}");
        }

        foreach (var s in Symbols)
        {
            sb.AppendLine(inv, $"  {s.Symbol.Name,-12} ticks {s.Ticks,12:N0}  quotes {s.Quotes,12:N0}  trades {s.Trades,12:N0}  volume {FixedPoint.Format(s.Volume, s.Symbol.SizeDecimals),18}  seq {s.FirstSequence}..{s.LastSequence}{(s.SequenceGaps > 0 ? $" ({s.SequenceGaps} gaps)" : string.Empty)}");
        }

        foreach (var d in Damage)
        {
            sb.Append("  DAMAGE ").AppendLine(d.ToString());
        }

        return sb.ToString();
    }
}
