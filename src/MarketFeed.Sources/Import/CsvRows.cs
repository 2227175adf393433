using System.Text;
using nietras.SeparatedValues;

namespace MarketFeed.Sources.Import;

/// <summary>
/// The rows of one CSV file, split by Sep over a <see cref="CsvQuoteGuard"/>, with the guard's bad
/// lines reported in line order among them. Every row is returned (the header too); the importer
/// reads its fields from <see cref="SepReader.Row"/>.
/// </summary>
internal sealed class CsvRows : IDisposable
{
    private readonly CsvQuoteGuard _guard;

    /// <param name="text">The file's text (disposed with this).</param>
    /// <param name="delimiter">Field delimiter.</param>
    /// <param name="quotes">
    /// True: RFC 4180 quoting (docs/import.md, "Quoting"); fields come unescaped, spaces around them
    /// trimmed. False: a quote is an ordinary character and fields come as they are.
    /// </param>
    /// <param name="file">The input's name, for errors.</param>
    /// <exception cref="ImportException">Sep does not support <paramref name="delimiter"/>.</exception>
    public CsvRows(TextReader text, char delimiter, bool quotes, string file)
    {
        ArgumentNullException.ThrowIfNull(text);
        _guard = new CsvQuoteGuard(text, delimiter, quotes);
        Sep sep;
        try
        {
            sep = Sep.New(delimiter);
        }
        catch (ArgumentException ex)
        {
            _guard.Dispose();
            throw new ImportException($"{file}: delimiter '{delimiter}' is not supported: {ex.Message}", ex);
        }

        Reader = new SepReaderOptions(sep)
        {
            HasHeader = false,
            DisableColCountCheck = true,
            DisableQuotesParsing = !quotes,
            Unescape = quotes,
            Trim = quotes ? SepTrim.All : SepTrim.None,
        }.From(_guard);
    }

    /// <summary>Opens <paramref name="path"/> (UTF-8; a byte order mark, if any, decides the encoding when <paramref name="detectEncoding"/>).</summary>
    public static CsvRows Open(string path, char delimiter, bool quotes, bool detectEncoding) =>
        new(new StreamReader(path, Encoding.UTF8, detectEncoding, 1 << 16), delimiter, quotes, path);

    /// <summary>The rows; enumerate with <c>foreach</c> or <see cref="SepReader.MoveNext"/>.</summary>
    public SepReader Reader { get; }

    /// <summary>Characters read from the file so far (progress).</summary>
    public long CharsRead => _guard.CharsRead;

    /// <summary>1-based line number of the row's first line.</summary>
    /// <remarks>Sep 0.18 gives the first row LineNumberFrom = LineNumberToExcl; the first row starts on line 1.</remarks>
    public static long LineOf(SepReader.Row row) => row.RowIndex == 0 ? 1 : row.LineNumberFrom;

    /// <summary>Whether the row spans more than one line (a quoted field with a line break).</summary>
    public static bool SpansLines(SepReader.Row row) => row.LineNumberToExcl - LineOf(row) > 1;

    /// <summary>Takes the first bad line (malformed quoting) at or before <paramref name="line"/>.</summary>
    public bool TryTakeBadLine(long line, out long badLine, out string reason) => _guard.TryTakeBadLine(line, out badLine, out reason);

    /// <summary>Adds the bad lines at or before <paramref name="line"/> to the session's bad rows (each counts as a row read).</summary>
    public void ReportBadLines(long line, ImportSession session, string file, long size)
    {
        while (_guard.TryTakeBadLine(line, out long badLine, out string reason))
        {
            session.Errors.Add(file, badLine, reason);
            session.RowDone(file, CharsRead, size);
        }
    }

    /// <summary>
    /// The error for Sep's refusal to read on: a row longer than its maximum (16,777,216 characters
    /// in Sep 0.18), which no valid tick file holds.
    /// </summary>
    public static ImportException Unreadable(string file, NotSupportedException ex) =>
        new($"{file}: cannot be read as CSV, nothing imported: {ex.Message}", ex);

    public void Dispose()
    {
        Reader.Dispose();
        _guard.Dispose();
    }
}
