using JourneyKit.Events;

namespace JourneyKit.Cli;

/// <summary>
/// Writes a command's output file safely; every command that writes a file (<c>--out</c>) goes through
/// <see cref="Write"/>. The content goes to a new temporary file with a unique name, created exclusively
/// (<see cref="FileMode.CreateNew"/>: an existing file or symbolic link at that name is never opened or followed) in the
/// target's directory, is flushed to disk, and then atomically renamed over the target; on any failure the temporary
/// file is deleted and the target is left as it was. A target that exists and is not a regular file (a directory, a
/// device such as <c>/dev/full</c>, a pipe, a socket, or a link to one) and a target that is one of the command's inputs
/// (the same path, or on Unix the same device and inode) are refused with a usage error before anything is written.
/// A target that is a symbolic link to a regular file is replaced by the new file; the file it pointed to is untouched.
/// </summary>
internal static class CliOutputFile
{
    /// <summary>Writes <paramref name="path"/> with <paramref name="write"/>, which must not dispose the stream.</summary>
    /// <param name="path">The output path, as given.</param>
    /// <param name="option">The option that named it, for messages (<c>--out</c>).</param>
    /// <param name="inputs">The command's input paths (null entries and <c>-</c> are ignored).</param>
    /// <param name="write">Writes the content; may dispose writers it wraps around the stream if they leave it open.</param>
    /// <returns>The full path written.</returns>
    /// <exception cref="CliUsageException">The target is not a regular file, or is one of the inputs.</exception>
    /// <exception cref="IOException">The file cannot be written (the target is unchanged).</exception>
    public static string Write(string path, string option, IEnumerable<string?> inputs, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        if (AtomicFileStream.NotRegularKind(full) is { } kind)
        {
            throw new CliUsageException(CliMessages.OutputNotRegular(option, full, kind));
        }

        foreach (string? input in inputs)
        {
            if (input is not null && !CliEventInput.IsStdin(input) && AtomicFileStream.IsSameFile(input, full))
            {
                throw new CliUsageException(CliMessages.OutputIsInput(option, path, input));
            }
        }

        if (Path.GetDirectoryName(full) is null)
        {
            throw new CliUsageException(CliMessages.OutputNotRegular(option, path, "a root"));
        }

        return AtomicFileStream.Write(full, write);
    }
}
