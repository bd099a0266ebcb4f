using System.Diagnostics;

namespace JourneyKit.Tests.Shared;

/// <summary>
/// The one temporary directory of a test process: tests put the files they write under <see cref="Root"/> instead of the
/// system's temporary directory, and the whole directory is removed when the process exits — so a test run leaves
/// nothing behind, also when a test fails before its own clean-up (linked into every test project that writes files).
/// A directory left by a process that was killed, or whose files a child process still held at exit (Chromium's
/// profile), is removed by the next test process that starts.
/// </summary>
internal static class TestTemp
{
    private const string Prefix = "journeykit-tests-";

    /// <summary>A directory of this process only, created on first use and deleted with everything in it at exit.</summary>
    public static string Root { get; } = Create();

    private static string Create()
    {
        SweepLeftovers();
        string dir = Path.Combine(Path.GetTempPath(), $"{Prefix}{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Delete(dir, attempts: 5);
        return dir;
    }

    /// <summary>Removes the directories of test processes that are no longer running.</summary>
    private static void SweepLeftovers()
    {
        foreach (string dir in Directory.EnumerateDirectories(Path.GetTempPath(), Prefix + "*"))
        {
            string name = Path.GetFileName(dir);
            int dash = name.IndexOf('-', Prefix.Length);
            if (dash > 0 && int.TryParse(name.AsSpan(Prefix.Length, dash - Prefix.Length), out int pid) && !IsRunning(pid))
            {
                Delete(dir, attempts: 1);
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using Process process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false; // no such process
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void Delete(string dir, int attempts)
    {
        for (int attempt = 1; attempt <= attempts; attempt++)
        {
            try
            {
                Directory.Delete(dir, recursive: true);
                return;
            }
            catch (DirectoryNotFoundException)
            {
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // a child process (Chromium) may still be writing its profile: wait a little and try again; the next
                // test process sweeps whatever is left
                Thread.Sleep(100 * attempt);
            }
        }
    }
}
