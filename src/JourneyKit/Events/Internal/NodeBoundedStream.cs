namespace JourneyKit.Events.Internal;

/// <summary>
/// A read-only pass-through stream that refuses to supply more than <c>limit</c> bytes between two calls of
/// <see cref="Mark"/>, so that an XML parser reading it can never buffer one huge node (an attribute value, a text or
/// whitespace run of gigabytes in a small gzip file) without bound.
/// </summary>
/// <remarks>The parser marks after every node it is given; the parser's own read-ahead (a few KiB) counts too, so the
/// limit must be well above it.</remarks>
internal sealed class NodeBoundedStream(Stream inner, long limit) : Stream
{
    private long _bytesRead;
    private long _mark;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _bytesRead;
        set => throw new NotSupportedException();
    }

    /// <summary>Starts a new node: the next <c>limit</c> bytes may be read.</summary>
    public void Mark() => _mark = _bytesRead;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_bytesRead - _mark > limit)
        {
            throw new NodeTooLargeException();
        }

        int n = inner.Read(buffer);
        _bytesRead += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>Thrown by <see cref="NodeBoundedStream"/> when a node exceeds the limit; caught by the reader.</summary>
internal sealed class NodeTooLargeException : IOException
{
    public NodeTooLargeException()
        : base("An XML node is larger than the reader's limit.")
    {
    }

    public NodeTooLargeException(string message)
        : base(message)
    {
    }

    public NodeTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
