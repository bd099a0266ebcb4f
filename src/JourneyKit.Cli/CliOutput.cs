using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace JourneyKit.Cli;

/// <summary>Writes command results to stdout as an aligned table or as JSON.</summary>
internal static class CliOutput
{
    private static readonly JsonWriterOptions JsonOptions = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

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
                numeric[c] &= cell.Length > 0 && (char.IsAsciiDigit(cell[0]) || cell[0] == '-') && double.TryParse(cell.Replace(",", string.Empty, StringComparison.Ordinal).TrimEnd('%'), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);
            }
        }

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

    /// <summary>Writes one indented JSON document followed by a newline.</summary>
    public static void WriteJson(TextWriter output, Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, JsonOptions))
        {
            write(json);
        }

        output.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
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
