using System.Buffers.Binary;
using System.IO.Compression;

namespace JourneyKit.Events.Internal;

/// <summary>
/// Decompresses gzip (RFC 1952), one or more members, and checks what <see cref="GZipStream"/> does not: every
/// member's trailer (CRC-32 and length of its data) is present and matches, and nothing but further gzip members
/// follows the last one. <see cref="GZipStream"/> alone reads a truncated member (cut mid-stream, in particular at a
/// flush boundary) as complete and ignores bytes after the last member; here both throw
/// <see cref="GzipDataException"/>.
/// </summary>
/// <remarks>
/// Each member is parsed here (header, then a raw <see cref="DeflateStream"/>, then the trailer). A deflate stream
/// reads ahead, but only within the last block of input handed to it when it finishes, so the trailer is found in (or
/// just after) that block as the 8 bytes that match the CRC-32 and length computed from the member's output; the
/// bytes after it start the next member. Not finding them means the data is truncated or corrupt.
/// </remarks>
internal sealed class GzipReadStream : Stream
{
    private const int BufferSize = 64 * 1024;
    private const int MaxHeaderField = 64 * 1024;
    private const int MaxBlock = 16 * 1024;
    private readonly Stream _source;
    private readonly bool _leaveOpen;
    private readonly byte[] _buffer = new byte[BufferSize];
    private readonly BlockReader _blocks;
    private int _pos;
    private int _len;
    private bool _sourceEnded;
    private DeflateStream? _deflate;
    private uint _crc;
    private long _memberLength;
    private long _members;
    private bool _ended;

    public GzipReadStream(Stream source, bool leaveOpen)
    {
        _source = source;
        _leaveOpen = leaveOpen;
        _blocks = new BlockReader(this);
    }

    /// <summary>Gets the decompressed bytes returned so far.</summary>
    public long BytesWritten { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => BytesWritten;
        set => throw new NotSupportedException();
    }

    /// <summary>Whether <paramref name="start"/> begins with the gzip signature (1f 8b).</summary>
    public static bool HasSignature(ReadOnlySpan<byte> start) => start.Length >= 2 && start[0] == 0x1F && start[1] == 0x8B;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (!_ended)
        {
            if (_deflate is null && !StartMember())
            {
                _ended = true;
                break;
            }

            int n = _deflate!.Read(buffer);
            if (n > 0)
            {
                _crc = Crc32.Append(_crc, buffer[..n]);
                _memberLength += n;
                BytesWritten += n;
                return n;
            }

            EndMember();
        }

        return 0;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _deflate?.Dispose();
            if (!_leaveOpen)
            {
                _source.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    /// <summary>Reads the next member's header; false at the end of the input (after at least one member).</summary>
    private bool StartMember()
    {
        if (!Ensure(1))
        {
            return _members > 0 ? false : throw new GzipDataException(GzipProblem.NotGzip, "the file is empty, not gzip data");
        }

        if (!Ensure(10) || !HasSignature(_buffer.AsSpan(_pos, 2)))
        {
            throw _members == 0
                ? new GzipDataException(GzipProblem.NotGzip, "the data is not gzip (it does not start with the gzip signature 1f 8b)")
                : new GzipDataException(GzipProblem.TrailingData, $"other data follows the gzip data (after member {_members})");
        }

        byte method = _buffer[_pos + 2];
        byte flags = _buffer[_pos + 3];
        if (method != 8 || (flags & 0xE0) != 0)
        {
            throw new GzipDataException(GzipProblem.Corrupt, method != 8 ? $"the gzip compression method {method} is not deflate (8)" : "the gzip header has reserved flags set");
        }

        _pos += 10;
        if ((flags & 0x04) != 0)
        {
            // FEXTRA: a 2-byte length, then that many bytes.
            Require(2);
            int extra = BinaryPrimitives.ReadUInt16LittleEndian(_buffer.AsSpan(_pos));
            _pos += 2;
            Skip(extra);
        }

        if ((flags & 0x08) != 0)
        {
            SkipZeroTerminated(); // FNAME
        }

        if ((flags & 0x10) != 0)
        {
            SkipZeroTerminated(); // FCOMMENT
        }

        if ((flags & 0x02) != 0)
        {
            Skip(2); // FHCRC
        }

        _crc = 0;
        _memberLength = 0;
        _blocks.Reset();
        _deflate = new DeflateStream(_blocks, CompressionMode.Decompress, leaveOpen: true);
        return true;
    }

    /// <summary>The deflate stream ended (finished, or its input ran out): find and check the member's trailer.</summary>
    private void EndMember()
    {
        _deflate!.Dispose();
        _deflate = null;
        Span<byte> expected = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(expected, _crc);
        BinaryPrimitives.WriteUInt32LittleEndian(expected[4..], (uint)_memberLength);

        // The deflate data ended inside the last block handed out, [blockStart, _pos); the trailer follows it and may
        // reach up to 8 bytes past the block.
        int from = _blocks.LastBlockStart;
        EnsureKeeping(8, ref from);
        int limit = Math.Min(_len, _pos + 8);
        int at = _buffer.AsSpan(from, limit - from).IndexOf(expected);
        if (at < 0)
        {
            bool ended = _sourceEnded && limit == _len;
            throw ended
                ? new GzipDataException(GzipProblem.Truncated, $"the gzip data is truncated: it ends inside member {_members + 1} (its end and CRC-32 trailer are missing or do not match)")
                : new GzipDataException(GzipProblem.Corrupt, $"the gzip trailer of member {_members + 1} does not match its data (CRC-32 or length)");
        }

        _pos = from + at + 8;
        _members++;
    }

    /// <summary>Makes at least <paramref name="count"/> bytes available at <c>_pos</c> if the source has them.</summary>
    private bool Ensure(int count)
    {
        int ignored = _pos;
        return EnsureKeeping(count, ref ignored);
    }

    /// <summary>As <see cref="Ensure"/>, keeping the bytes from <paramref name="keepFrom"/> (moved with them).</summary>
    private bool EnsureKeeping(int count, ref int keepFrom)
    {
        while (_len - _pos < count)
        {
            if (_sourceEnded)
            {
                return false;
            }

            if (_len == _buffer.Length)
            {
                int keep = Math.Min(keepFrom, _pos);
                Buffer.BlockCopy(_buffer, keep, _buffer, 0, _len - keep);
                _len -= keep;
                _pos -= keep;
                keepFrom -= keep;
            }

            System.Diagnostics.Debug.Assert(_len < _buffer.Length, "a block plus a trailer always fits");
            int n = _source.Read(_buffer, _len, _buffer.Length - _len);
            if (n == 0)
            {
                _sourceEnded = true;
            }

            _len += n;
        }

        return true;
    }

    private void Require(int count)
    {
        if (!Ensure(count))
        {
            throw new GzipDataException(GzipProblem.Truncated, "the gzip data is truncated inside a member header");
        }
    }

    private void Skip(int count)
    {
        while (count > 0)
        {
            Require(1);
            int n = Math.Min(count, _len - _pos);
            _pos += n;
            count -= n;
        }
    }

    private void SkipZeroTerminated()
    {
        for (int skipped = 0; ; skipped++)
        {
            Require(1);
            if (_buffer[_pos++] == 0)
            {
                return;
            }

            if (skipped > MaxHeaderField)
            {
                throw new GzipDataException(GzipProblem.Corrupt, "a gzip header name or comment is not terminated");
            }
        }
    }

    /// <summary>What the deflate stream reads: the buffered compressed bytes, one block at a time.</summary>
    private sealed class BlockReader(GzipReadStream owner) : Stream
    {
        public int LastBlockStart { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public void Reset() => LastBlockStart = owner._pos;

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (buffer.IsEmpty)
            {
                return 0;
            }

            // Making room may move the buffered bytes: keep the last block handed out, and its start with it (a fuzz
            // finding: a stale start past the moved bytes threw ArgumentOutOfRangeException at the end of the input).
            int kept = LastBlockStart;
            bool more = owner.EnsureKeeping(1, ref kept);
            LastBlockStart = kept;
            if (!more)
            {
                return 0; // the input ended; LastBlockStart stays on the last block handed out
            }

            // Blocks of at most MaxBlock bytes, so a block and the 8 trailer bytes after it always fit the buffer.
            int n = Math.Min(Math.Min(buffer.Length, MaxBlock), owner._len - owner._pos);
            LastBlockStart = owner._pos;
            owner._buffer.AsSpan(owner._pos, n).CopyTo(buffer);
            owner._pos += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>What is wrong with gzip data.</summary>
internal enum GzipProblem
{
    NotGzip,
    Truncated,
    TrailingData,
    Corrupt,
}

/// <summary>Gzip data is not valid: not gzip, truncated, followed by other data, or corrupt.</summary>
internal sealed class GzipDataException(GzipProblem problem, string message) : Exception(message)
{
    public GzipProblem Problem { get; } = problem;
}
