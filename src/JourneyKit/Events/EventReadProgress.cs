namespace JourneyKit.Events;

/// <summary>Progress of an event reader, reported through <see cref="EventReaderOptions.Progress"/>.</summary>
/// <remarks>Reported about every <c>1 MiB</c> of input (checked every few thousand rows) and once at the end.</remarks>
/// <param name="BytesRead">The bytes consumed from the input so far (for a compressed file, compressed bytes);
/// 0 when reading from a <see cref="TextReader"/>.</param>
/// <param name="TotalBytes">The input length in bytes when known (a file or a seekable stream), else null.</param>
/// <param name="Rows">The data rows (lines) read so far, bad and duplicate rows included.</param>
public readonly record struct EventReadProgress(long BytesRead, long? TotalBytes, long Rows)
{
    /// <summary>Gets the fraction done, from 0 to 1, or null when <see cref="TotalBytes"/> is unknown or zero.</summary>
    public double? Fraction => TotalBytes is > 0 and long total ? Math.Clamp((double)BytesRead / total, 0, 1) : null;
}
