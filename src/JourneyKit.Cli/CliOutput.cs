using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace JourneyKit.Cli;

/// <summary>Writes command results to stdout as an aligned table or as JSON.</summary>
internal static class CliOutput
{
    internal static readonly JsonWriterOptions JsonOptions = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes rows as left-aligned columns (numbers right-aligned) under a header.</summary>
    public static void WriteTable(TextWriter output, IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        var widths = new int[header.Count];
        var numeric = new bool[header.Count];
        for (int c = 0; c < header.Count; c++)
        {
            widths[c] = header[c].Length;
            numeric[c] = rows.Count > 0;
        }

        foreach (IReadOnlyList<string> row in rows)
        {
            for (int c = 0; c < header.Count; c++)
            {
                string cell = c < row.Count ? row[c] : string.Empty;
                widths[c] = Math.Max(widths[c], cell.Length);
                numeric[c] &= IsNumericCell(cell);
            }
        }

        WriteTable(output, header, rows, widths, numeric);
    }

    /// <summary>Whether a cell reads as a number (right-aligned when every cell of its column does).</summary>
    internal static bool IsNumericCell(string cell) => IsNumericCell(cell.AsSpan());

    /// <summary>Whether a cell reads as a number: a digit or '-' first, then a number once the thousands separators
    /// (',') and trailing '%' are taken away.</summary>
    internal static bool IsNumericCell(ReadOnlySpan<char> cell)
    {
        if (cell.Length == 0 || !(char.IsAsciiDigit(cell[0]) || cell[0] == '-'))
        {
            return false;
        }

        Span<char> digits = cell.Length <= 256 ? stackalloc char[cell.Length] : new char[cell.Length];
        int n = 0;
        foreach (char ch in cell)
        {
            if (ch != ',')
            {
                digits[n++] = ch;
            }
        }

        return double.TryParse(digits[..n].TrimEnd('%'), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);
    }

    /// <summary>
    /// Writes rows under a header with column widths and alignment computed beforehand (at least the header's widths;
    /// numeric columns right-aligned): a table whose rows are streamed from elsewhere.
    /// </summary>
    internal static void WriteTable(TextWriter output, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, int[] widths, bool[] numeric)
    {
        WriteRow(output, header, widths, new bool[header.Count]);
        var rule = new StringBuilder();
        for (int c = 0; c < header.Count; c++)
        {
            rule.Append(c > 0 ? "  " : string.Empty).Append('-', widths[c]);
        }

        output.WriteLine(rule.ToString());
        foreach (IReadOnlyList<string> row in rows)
        {
            WriteRow(output, row, widths, numeric);
        }
    }

    /// <summary>
    /// Writes one indented JSON document followed by a newline, streaming: the text reaches <paramref name="output"/>
    /// in pieces of about <see cref="StreamChunkBytes"/> bytes as it is produced, so memory does not grow with the
    /// document (a million customers' scores are never one string).
    /// </summary>
    public static void WriteJson(TextWriter output, Action<Utf8JsonWriter> write)
    {
        var sink = new TextWriterBufferWriter(output);
        using (var json = new Utf8JsonWriter(sink, JsonOptions))
        {
            write(json);
        }

        sink.Complete();
        output.WriteLine();
    }

    /// <summary>The size of the pieces <see cref="WriteJson"/> hands to the output.</summary>
    internal const int StreamChunkBytes = 16 * 1024;

    /// <summary>
    /// The buffer a <see cref="Utf8JsonWriter"/> writes into: small, so the writer hands each filled piece over
    /// (<see cref="Advance"/>), which is decoded and written to the text output at once.
    /// </summary>
    private sealed class TextWriterBufferWriter(TextWriter output) : System.Buffers.IBufferWriter<byte>
    {
        private readonly Decoder _decoder = new UTF8Encoding(false, throwOnInvalidBytes: true).GetDecoder();
        private byte[] _bytes = new byte[StreamChunkBytes];
        private char[] _chars = new char[StreamChunkBytes];

        public void Advance(int count)
        {
            if (count == 0)
            {
                return;
            }

            int needed = _decoder.GetCharCount(_bytes, 0, count, flush: false);
            if (needed > _chars.Length)
            {
                _chars = new char[needed];
            }

            int chars = _decoder.GetChars(_bytes, 0, count, _chars, 0, flush: false);
            output.Write(_chars, 0, chars);
        }

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            if (sizeHint > _bytes.Length)
            {
                _bytes = new byte[sizeHint];
            }

            return _bytes;
        }

        public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        public void Complete()
        {
            int chars = _decoder.GetChars([], 0, 0, _chars, 0, flush: true);
            output.Write(_chars, 0, chars);
        }
    }

    private static void WriteRow(TextWriter output, IReadOnlyList<string> row, int[] widths, bool[] rightAlign)
    {
        var line = new StringBuilder();
        for (int c = 0; c < widths.Length; c++)
        {
            string cell = c < row.Count ? row[c] : string.Empty;
            if (c > 0)
            {
                line.Append("  ");
            }

            line.Append(rightAlign[c] ? cell.PadLeft(widths[c]) : c == widths.Length - 1 ? cell : cell.PadRight(widths[c]));
        }

        output.WriteLine(line.ToString());
    }
}
