using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace JourneyKit.Events;

/// <summary>
/// A file written safely: the library (<c>EventWriter.Create(path)</c>, <c>SyntheticEventGenerator.Generate(path)</c>)
/// and the CLI's <c>--out</c> write through it, and so can an application. The content goes to a new temporary file
/// with a random name, created exclusively (<see cref="FileMode.CreateNew"/>: an existing file or symbolic link at that
/// name is never opened or followed) in the target's directory; <see cref="Dispose(bool)"/> flushes it to disk and
/// renames it atomically over the target. After <see cref="Abort"/>, or when a write or the flush failed (ENOSPC), the
/// temporary file is deleted instead and the target is left as it was; a killed process leaves the target whole (and
/// at worst a <c>.&lt;name&gt;.&lt;random&gt;.tmp</c> beside it). A target that exists and is not a regular file (a
/// directory, a device such as <c>/dev/full</c>, a pipe, a socket, or a link to one) is refused before anything is
/// written; a symbolic link to a regular file is replaced by the new file, and the file it pointed to is untouched.
/// </summary>
public sealed class AtomicFileStream : Stream
{
    private const int BufferSize = 1 << 16;

    private readonly FileStream _temp;
    private readonly string _tempPath;
    private bool _aborted;
    private bool _faulted;
    private bool _disposed;

    private AtomicFileStream(string target, string tempPath, FileStream temp)
    {
        TargetPath = target;
        _tempPath = tempPath;
        _temp = temp;
    }

    /// <summary>Gets the full path of the target.</summary>
    public string TargetPath { get; }

    /// <inheritdoc/>
    public override bool CanRead => false;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => !_disposed;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Position { get => _temp.Position; set => throw new NotSupportedException(); }

    /// <summary>Starts writing <paramref name="path"/>.</summary>
    /// <param name="path">The target file.</param>
    /// <returns>The stream; dispose it to commit, or call <see cref="Abort"/> first to discard.</returns>
    /// <exception cref="IOException">The target is not a regular file (<see cref="NotRegularKind"/>), or the temporary
    /// file cannot be created.</exception>
    public static AtomicFileStream Create(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        if (NotRegularKind(full) is { } kind)
        {
            throw new IOException($"'{full}' is {kind}; only regular files are written.");
        }

        string directory = Path.GetDirectoryName(full) ?? throw new IOException($"'{full}' is a root; only regular files are written.");
        string name = Path.GetFileName(full);
        for (int attempt = 0; ; attempt++)
        {
            string temp = Path.Combine(directory, "." + name + "." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) + ".tmp");
            try
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = BufferSize };
                return new AtomicFileStream(full, temp, new FileStream(temp, options));
            }
            catch (IOException) when (attempt < 8 && Path.Exists(temp))
            {
                // Someone else's file (or link) has that name: never touch it, take another name.
            }
        }
    }

    /// <summary>Writes <paramref name="path"/> with <paramref name="write"/> (which must not dispose the stream) and
    /// returns the full path; on an exception the target is unchanged.</summary>
    /// <param name="path">The target file.</param>
    /// <param name="write">Writes the content.</param>
    /// <returns>The full path written.</returns>
    public static string Write(string path, Action<Stream> write)
    {
        using AtomicFileStream stream = Create(path);
        try
        {
            write(stream);
        }
        catch
        {
            stream.Abort();
            throw;
        }

        return stream.TargetPath;
    }

    /// <summary>What an existing <paramref name="fullPath"/> is when it is not a regular file (or a link to one):
    /// "a directory", "a character device", …; null when it is one or does not exist.</summary>
    /// <param name="fullPath">A full path.</param>
    /// <returns>The kind of file, or null.</returns>
    public static string? NotRegularKind(string fullPath)
    {
        if (Directory.Exists(fullPath))
        {
            return "a directory";
        }

        if (OperatingSystem.IsWindows())
        {
            return fullPath.StartsWith(@"\\.\", StringComparison.Ordinal) || fullPath.StartsWith(@"\\?\GLOBALROOT", StringComparison.OrdinalIgnoreCase) ? "a device" : null;
        }

        if (!UnixFile.TryLStat(fullPath, out UnixFile.Status status))
        {
            return null; // does not exist yet (or cannot be inspected here: the write itself will say)
        }

        if (status.IsSymbolicLink && !UnixFile.TryStat(fullPath, out status))
        {
            return null; // a dangling link: replaced by the new file
        }

        return status.IsRegular ? null : status.Kind;
    }

    /// <summary>True when both paths name the same file: the same full path, or on Unix the same device and inode
    /// (links followed).</summary>
    /// <param name="a">A path.</param>
    /// <param name="b">Another path.</param>
    /// <returns>Whether they name one file.</returns>
    public static bool IsSameFile(string a, string b)
    {
        string fullA = Path.GetFullPath(a), fullB = Path.GetFullPath(b);
        StringComparison comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return string.Equals(fullA, fullB, comparison)
            || (!OperatingSystem.IsWindows() && UnixFile.TryStat(fullA, out UnixFile.Status x) && UnixFile.TryStat(fullB, out UnixFile.Status y) && x.Device == y.Device && x.Inode == y.Inode);
    }

    /// <summary>Discards what was written: disposing deletes the temporary file and leaves the target as it was.</summary>
    public void Abort() => _aborted = true;

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        try
        {
            _temp.Write(buffer);
        }
        catch
        {
            _faulted = true;
            throw;
        }
    }

    /// <inheritdoc/>
    public override void WriteByte(byte value) => Write([value]);

    /// <inheritdoc/>
    public override void Flush()
    {
        try
        {
            _temp.Flush();
        }
        catch
        {
            _faulted = true;
            throw;
        }
    }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Commits (flush to disk, atomic rename over the target) unless aborted or faulted; else deletes the
    /// temporary file.</summary>
    protected override void Dispose(bool disposing)
    {
        if (!disposing || _disposed)
        {
            base.Dispose(disposing);
            return;
        }

        _disposed = true;
        try
        {
            if (!_aborted && !_faulted)
            {
                _temp.Flush(flushToDisk: true);
                _temp.Dispose();
                File.Move(_tempPath, TargetPath, overwrite: true);
                return;
            }
        }
        catch
        {
            _temp.Dispose();
            TryDelete(_tempPath);
            throw;
        }
        finally
        {
            base.Dispose(disposing);
        }

        _temp.Dispose();
        TryDelete(_tempPath);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>stat(2) and lstat(2) through the runtime's own native shim (the layout of its FileStatus is the runtime's,
    /// not the C library's, so it is the same on every Unix and architecture).</summary>
    private static class UnixFile
    {
        private const int TypeMask = 0xF000;
        private const int Regular = 0x8000;
        private const int Link = 0xA000;

        public static bool TryStat(string path, out Status status) => Try(path, follow: true, out status);

        public static bool TryLStat(string path, out Status status) => Try(path, follow: false, out status);

        private static bool Try(string path, bool follow, out Status status)
        {
            status = default;
            try
            {
                if ((follow ? NativeMethods.Stat(path, out NativeMethods.FileStatus s) : NativeMethods.LStat(path, out s)) != 0)
                {
                    return false;
                }

                status = new Status(s.Mode, s.Dev, s.Ino);
                return true;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                return false;
            }
        }

        internal readonly record struct Status(int Mode, long Device, long Inode)
        {
            public bool IsRegular => (Mode & TypeMask) == Regular;

            public bool IsSymbolicLink => (Mode & TypeMask) == Link;

            public string Kind => (Mode & TypeMask) switch
            {
                0x2000 => "a character device",
                0x6000 => "a block device",
                0x1000 => "a named pipe",
                0xC000 => "a socket",
                0x4000 => "a directory",
                _ => "not a regular file",
            };
        }
    }

    private static class NativeMethods
    {
        [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
        public static extern int Stat(string path, out FileStatus status);

        [DllImport("libSystem.Native", EntryPoint = "SystemNative_LStat", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
        public static extern int LStat(string path, out FileStatus status);

        [StructLayout(LayoutKind.Sequential)]
        public struct FileStatus
        {
            public int Flags;
            public int Mode;
            public uint Uid;
            public uint Gid;
            public long Size;
            public long ATime;
            public long ATimeNsec;
            public long MTime;
            public long MTimeNsec;
            public long CTime;
            public long CTimeNsec;
            public long BirthTime;
            public long BirthTimeNsec;
            public long Dev;
            public long RDev;
            public long Ino;
            public uint UserFlags;
        }
    }
}
