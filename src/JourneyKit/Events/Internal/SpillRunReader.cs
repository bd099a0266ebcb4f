using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace JourneyKit.Events.Internal;

/// <summary>
/// Reads one run written by <see cref="SpillRunWriter"/> (the format is described there) customer by customer, adding
/// each customer's events to a builder as the reader first added them.
/// </summary>
/// <threadsafety>Not thread-safe; several readers may share the file (positional reads).</threadsafety>
internal sealed class SpillRunReader
{
    private const int MaxBufferBytes = 1 << 16;
    private readonly SafeFileHandle _file;
    private readonly long _end;
    private readonly List<string> _touchpoints = [];
    private readonly List<string> _channels = [];
    private readonly List<string> _keys = [];
    private readonly List<string> _values = [];
    private readonly char[][] _scratch = [new char[64], new char[64], new char[64], new char[64], new char[64], new char[64]];
    private byte[] _buffer;
    private long _next; // the file offset of _buffer's end
    private int _at;
    private int _length;

    public SpillRunReader(SafeFileHandle file, long offset, long length)
    {
        _file = file;
        _next = offset;
        _end = offset + length;
        _buffer = new byte[(int)Math.Clamp(length, 16, MaxBufferBytes)];
    }

    /// <summary>Gets the first-appearance ordinal of the customer <see cref="MoveNext"/> reached.</summary>
    public int Ordinal { get; private set; }

    /// <summary>Moves to the next customer of the run; false at the run's end.</summary>
    public bool MoveNext()
    {
        if (_at == _length && _next == _end)
        {
            return false;
        }

        Ordinal += (int)ReadVarint();
        return true;
    }

    /// <summary>Adds the current customer's events (and their attributes) to <paramref name="builder"/>.</summary>
    public void AddCustomerTo(EventBatchBuilder builder)
    {
        ReadOnlySpan<char> customer = ReadString(0);
        int events = (int)ReadVarint();
        long ticks = 0;
        for (int e = 0; e < events; e++)
        {
            ReadOnlySpan<char> touchpoint = ReadCode(_touchpoints, 1);
            ticks += (long)ReadVarint();
            ReadOnlySpan<char> channel = ReadCode(_channels, 2);
            byte flags = ReadByte();
            double value = double.NaN;
            if ((flags & 1) != 0)
            {
                Ensure(8);
                value = BinaryPrimitives.ReadDoubleLittleEndian(_buffer.AsSpan(_at));
                _at += 8;
            }

            ReadOnlySpan<char> eventId = (flags & 2) != 0 ? ReadString(3) : default;
            bool added = builder.Add(customer, touchpoint, ticks, channel, eventId, value); // false: a duplicate of an earlier run's event
            if ((flags & 4) != 0)
            {
                int attributes = (int)ReadVarint();
                for (int a = 0; a < attributes; a++)
                {
                    ReadOnlySpan<char> key = ReadCode(_keys, 4);
                    ReadOnlySpan<char> attributeValue = ReadCode(_values, 5);
                    if (added)
                    {
                        builder.SetAttribute(key, attributeValue);
                    }
                }
            }
        }
    }

    /// <summary>A coded string (the format of <see cref="SpillRunWriter"/>); empty for none.</summary>
    private ReadOnlySpan<char> ReadCode(List<string> table, int scratch)
    {
        ulong code = ReadVarint();
        if (code >= 2)
        {
            return table[(int)code - 2];
        }

        if (code == 0)
        {
            return default;
        }

        if (table.Count < SpillRunWriter.MaxCodedStrings)
        {
            string text = ReadString(scratch).ToString();
            table.Add(text);
            return text;
        }

        return ReadString(scratch);
    }

    /// <summary>A string decoded into scratch buffer <paramref name="scratch"/> (valid until that buffer is used again).</summary>
    private ReadOnlySpan<char> ReadString(int scratch)
    {
        int bytes = (int)ReadVarint();
        Ensure(bytes);
        ref char[] chars = ref _scratch[scratch];
        if (chars.Length < bytes)
        {
            chars = new char[Math.Max(bytes, chars.Length * 2)]; // UTF-8 never has fewer bytes than UTF-16 code units
        }

        ReadOnlySpan<byte> from = _buffer.AsSpan(_at, bytes);
        _at += bytes;
        int n = 0;
        while (n < from.Length && from[n] < 0x80)
        {
            chars[n] = (char)from[n]; // ASCII (ids usually are): no decoder set-up per short string
            n++;
        }

        if (n < from.Length)
        {
            n += Encoding.UTF8.GetChars(from[n..], chars.AsSpan(n));
        }

        return chars.AsSpan(0, n);
    }

    private byte ReadByte()
    {
        Ensure(1);
        return _buffer[_at++];
    }

    private ulong ReadVarint()
    {
        ulong value = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = ReadByte();
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }

    /// <summary>Makes <paramref name="bytes"/> bytes available at <see cref="_at"/>.</summary>
    private void Ensure(int bytes)
    {
        if (_length - _at >= bytes)
        {
            return;
        }

        int kept = _length - _at;
        if (_buffer.Length < bytes)
        {
            var larger = new byte[bytes];
            _buffer.AsSpan(_at, kept).CopyTo(larger);
            _buffer = larger;
        }
        else
        {
            _buffer.AsSpan(_at, kept).CopyTo(_buffer);
        }

        _at = 0;
        _length = kept;
        while (_length < bytes)
        {
            int want = (int)Math.Min(_buffer.Length - _length, _end - _next);
            int read = want <= 0 ? 0 : RandomAccess.Read(_file, _buffer.AsSpan(_length, want), _next);
            if (read <= 0)
            {
                throw new InvalidDataException("The temporary file of sorted runs ended early.");
            }

            _next += read;
            _length += read;
        }
    }
}
