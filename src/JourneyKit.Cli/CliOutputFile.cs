using System.Runtime.InteropServices;
using System.Security.Cryptography;

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
    private const int BufferSize = 1 << 16;

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
        CheckTarget(full, option);
        foreach (string? input in inputs)
        {
            if (input is not null && !CliEventInput.IsStdin(input) && IsSameFile(input, full))
            {
                throw new CliUsageException(CliMessages.OutputIsInput(option, path, input));
            }
        }

        string directory = Path.GetDirectoryName(full) ?? throw new CliUsageException(CliMessages.OutputNotRegular(option, path, "a root"));
        (FileStream stream, string temp) = CreateTemp(directory, Path.GetFileName(full));
        try
        {
            write(stream);
            stream.Flush(flushToDisk: true);
            stream.Dispose();
            File.Move(temp, full, overwrite: true);
            return full;
        }
        catch
        {
            stream.Dispose();
            TryDelete(temp);
            throw;
        }
    }

    private static (FileStream Stream, string Path) CreateTemp(string directory, string name)
    {
        for (int attempt = 0; ; attempt++)
        {
            string temp = Path.Combine(directory, "." + name + "." + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) + ".tmp");
            try
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = BufferSize };
                return (new FileStream(temp, options), temp);
            }
            catch (IOException) when (attempt < 8 && Path.Exists(temp))
            {
                // Someone else's file (or link) has that name: never touch it, take another name.
            }
        }
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

    private static void CheckTarget(string full, string option)
    {
        if (Directory.Exists(full))
        {
            throw new CliUsageException(CliMessages.OutputNotRegular(option, full, "a directory"));
        }

        if (OperatingSystem.IsWindows())
        {
            if (full.StartsWith(@"\\.\", StringComparison.Ordinal) || full.StartsWith(@"\\?\GLOBALROOT", StringComparison.OrdinalIgnoreCase))
            {
                throw new CliUsageException(CliMessages.OutputNotRegular(option, full, "a device"));
            }

            return;
        }

        if (!UnixFile.TryLStat(full, out UnixFile.Status status))
        {
            return; // does not exist yet (or cannot be inspected here: the write itself will say)
        }

        if (status.IsSymbolicLink)
        {
            if (!UnixFile.TryStat(full, out status))
            {
                return; // a dangling link: replaced by the new file
            }
        }

        if (!status.IsRegular)
        {
            throw new CliUsageException(CliMessages.OutputNotRegular(option, full, status.Kind));
        }
    }

    private static bool IsSameFile(string input, string full)
    {
        string inputFull = Path.GetFullPath(input);
        StringComparison comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        if (string.Equals(inputFull, full, comparison))
        {
            return true;
        }

        // Links and hard links: the same device and inode (links followed).
        return !OperatingSystem.IsWindows() && UnixFile.TryStat(inputFull, out UnixFile.Status a) && UnixFile.TryStat(full, out UnixFile.Status b)
            && a.Device == b.Device && a.Inode == b.Inode;
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
