using System.Buffers;
using System.Text;

namespace JourneyKit.Cli;

/// <summary>
/// The cells of table rows made on a worker and written later, in order, under widths known only at the end (a table
/// streamed from a temporary file, <see cref="WriteTable(TextWriter, IReadOnlyList{string}, Stream, int[], bool[])"/>): each cell is kept as UTF-8 after its length in bytes
/// (7-bit encoded) in a pooled buffer, and the columns' widths and whether every cell of a column reads as a number
/// (<see cref="CliOutput.IsNumericCell(ReadOnlySpan{char})"/>) are tracked as cells are added. No string per cell.
/// </summary>
internal sealed class CliTableCells : IDisposable
{
    private byte[] _bytes = ArrayPool<byte>.Shared.Rent(1 << 16);
    private int _length;

    /// <summary>Starts an empty piece of a table with <paramref name="columns"/> columns.</summary>
    public CliTableCells(int columns)
    {
        Widths = new int[columns];
        Numeric = new bool[columns];
        Array.Fill(Numeric, true);
    }

    /// <summary>Gets each column's widest cell so far (characters).</summary>
    public int[] Widths { get; }

    /// <summary>Gets whether every cell added so far to each column reads as a number.</summary>
    public bool[] Numeric { get; }

    /// <summary>Gets the cells written so far.</summary>
    public ReadOnlySpan<byte> Written => _bytes.AsSpan(0, _length);

    /// <summary>Adds the next cell of a row: <paramref name="column"/> runs 0, 1, … for each row.</summary>
    public void Add(int column, ReadOnlySpan<char> cell)
    {
        Widths[column] = Math.Max(Widths[column], cell.Length);
        if (Numeric[column])
        {
            Numeric[column] = CliOutput.IsNumericCell(cell);
        }

        int most = 5 + Encoding.UTF8.GetMaxByteCount(cell.Length);
        if (_bytes.Length - _length < most)
        {
            byte[] bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_bytes.Length * 2, _length + most));
            _bytes.AsSpan(0, _length).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_bytes);
            _bytes = bigger;
        }

        int count = Encoding.UTF8.GetBytes(cell, _bytes.AsSpan(_length + 5));
        int prefix = Write7Bit(_bytes.AsSpan(_length), count);
        if (prefix < 5)
        {
            _bytes.AsSpan(_length + 5, count).CopyTo(_bytes.AsSpan(_length + prefix));
        }

        _length += prefix + count;
    }

    /// <summary>Returns the buffer to the pool.</summary>
    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_bytes);
        _bytes = [];
        _length = 0;
    }

    /// <summary>Writes these cells as the rows of a table under <paramref name="header"/> (see <see cref="WriteTable(TextWriter, IReadOnlyList{string}, Stream, int[], bool[])"/>).</summary>
    public void WriteTable(TextWriter output, IReadOnlyList<string> header, bool hasRows)
    {
        var widths = new int[header.Count];
        var numeric = new bool[header.Count];
        for (int c = 0; c < header.Count; c++)
        {
            widths[c] = Math.Max(header[c].Length, Widths[c]);
            numeric[c] = hasRows && Numeric[c];
        }

        using var cells = new MemoryStream(_bytes, 0, _length, writable: false);
        WriteTable(output, header, cells, widths, numeric);
    }

    /// <summary>
    /// Writes the table: the header, its rule and the rows of <paramref name="cells"/> (pieces of <see cref="Written"/>,
    /// one after another) as <see cref="CliOutput.WriteTable(TextWriter, IReadOnlyList{string}, IReadOnlyList{IReadOnlyList{string}})"/>
    /// lays them out: left-aligned columns, numeric ones right-aligned, the last column not padded.
    /// </summary>
    public static void WriteTable(TextWriter output, IReadOnlyList<string> header, Stream cells, int[] widths, bool[] numeric)
    {
        CliOutput.WriteTable(output, header, [], widths, numeric);
        int columns = header.Count;
        string newLine = output.NewLine;
        byte[] input = ArrayPool<byte>.Shared.Rent(1 << 16);
        char[] line = ArrayPool<char>.Shared.Rent(1 << 16);
        int start = 0, end = 0, written = 0;
        try
        {
            while (true)
            {
                for (int c = 0; c < columns; c++)
                {
                    if (!Fill(cells, ref input, ref start, ref end, 5) && end - start == 0)
                    {
                        if (c != 0)
                        {
                            throw new InvalidDataException("A table row was cut short.");
                        }

                        output.Write(line, 0, written);
                        return;
                    }

                    int count = Read7Bit(input, ref start, end);
                    if (!Fill(cells, ref input, ref start, ref end, count))
                    {
                        throw new InvalidDataException("A table cell was cut short.");
                    }

                    int room = 2 + Math.Max(widths[c], count) + newLine.Length;
                    if (line.Length - written < room)
                    {
                        output.Write(line, 0, written);
                        written = 0;
                        if (line.Length < room)
                        {
                            ArrayPool<char>.Shared.Return(line);
                            line = ArrayPool<char>.Shared.Rent(room);
                        }
                    }

                    if (c > 0)
                    {
                        line[written++] = ' ';
                        line[written++] = ' ';
                    }

                    Span<char> free = line.AsSpan(written);
                    int chars = Encoding.UTF8.GetChars(input.AsSpan(start, count), free);
                    start += count;
                    int pad = widths[c] - chars;
                    if (pad > 0 && numeric[c])
                    {
                        free[..chars].CopyTo(free[pad..]);
                        free[..pad].Fill(' ');
                        chars += pad;
                    }
                    else if (pad > 0 && c < columns - 1)
                    {
                        free.Slice(chars, pad).Fill(' ');
                        chars += pad;
                    }

                    written += chars;
                }

                newLine.CopyTo(line.AsSpan(written));
                written += newLine.Length;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(input);
            ArrayPool<char>.Shared.Return(line);
        }
    }

    /// <summary>Makes at least <paramref name="needed"/> bytes available from <paramref name="start"/>, reading more
    /// (and growing the buffer) as needed; false when the stream ends first.</summary>
    private static bool Fill(Stream stream, ref byte[] buffer, ref int start, ref int end, int needed)
    {
        if (end - start >= needed)
        {
            return true;
        }

        if (buffer.Length < needed)
        {
            byte[] bigger = ArrayPool<byte>.Shared.Rent(needed);
            buffer.AsSpan(start, end - start).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = bigger;
        }
        else
        {
            buffer.AsSpan(start, end - start).CopyTo(buffer);
        }

        end -= start;
        start = 0;
        for (int n; end < needed && (n = stream.Read(buffer, end, buffer.Length - end)) > 0;)
        {
            end += n;
        }

        return end >= needed;
    }

    private static int Write7Bit(Span<byte> destination, int value)
    {
        int i = 0;
        uint v = (uint)value;
        for (; v >= 0x80; v >>= 7)
        {
            destination[i++] = (byte)(v | 0x80);
        }

        destination[i++] = (byte)v;
        return i;
    }

    private static int Read7Bit(byte[] buffer, ref int start, int end)
    {
        int value = 0;
        for (int shift = 0; start < end; shift += 7)
        {
            byte b = buffer[start++];
            value |= (b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException("A table cell's length was cut short.");
    }
}
