namespace JourneyKit.Events.Internal;

/// <summary>A read-only stream that can look at its first bytes before they are read, for streams that cannot seek.</summary>
internal sealed class PeekStream(Stream inner) : Stream
{
    private byte[] _head = [];
    private int _headLength;
    private int _headPos;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Returns up to <paramref name="count"/> first bytes (fewer only at the end of the stream) without consuming them.</summary>
    /// <remarks>Call before the first <see cref="Read(Span{byte})"/>.</remarks>
    public ReadOnlySpan<byte> Peek(int count)
    {
        if (_headLength < count)
        {
            Array.Resize(ref _head, count);
            while (_headLength < count)
            {
                int n = inner.Read(_head, _headLength, count - _headLength);
                if (n == 0)
                {
                    break;
                }

                _headLength += n;
            }
        }

        return _head.AsSpan(0, Math.Min(count, _headLength));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_headPos < _headLength)
        {
            int n = Math.Min(buffer.Length, _headLength - _headPos);
            _head.AsSpan(_headPos, n).CopyTo(buffer);
            _headPos += n;
            return n;
        }

        return inner.Read(buffer);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
