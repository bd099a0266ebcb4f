using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

namespace JourneyKit.Fuzz;

/// <summary>
/// Runs a target in process over inputs, turning every finding into a file: an exception the target does not allow,
/// an input that runs longer than the timeout (the process then exits, as a hang cannot be stopped in process), or one
/// that allocates more than the allocation budget.
/// </summary>
internal sealed class FuzzRunner
{
    private static readonly object Gate = new();
    private static long s_inputStarted; // Stopwatch timestamp; 0 when idle
    private static byte[]? s_input;
    private static FuzzTarget? s_target;
    private static string s_crashDirectory = "";
    private static TimeSpan s_timeout;

    public FuzzRunner(string crashDirectory, TimeSpan timeout, long maxAllocatedBytes)
    {
        s_crashDirectory = crashDirectory;
        s_timeout = timeout;
        MaxAllocatedBytes = maxAllocatedBytes;
        var watchdog = new Thread(Watch) { IsBackground = true, Name = "fuzz watchdog" };
        watchdog.Start();
    }

    public long MaxAllocatedBytes { get; }

    /// <summary>Runs one input; returns the finding, or null.</summary>
    public string? RunOne(FuzzTarget target, byte[] input)
    {
        lock (Gate)
        {
            s_target = target;
            s_input = input;
            s_inputStarted = Stopwatch.GetTimestamp();
        }

        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        string? finding = null;
        try
        {
            target.Run(input);
        }
        catch (Exception e)
        {
            finding = e.ToString();
        }
        finally
        {
            lock (Gate)
            {
                s_inputStarted = 0;
            }
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        if (finding is null && allocated > MaxAllocatedBytes)
        {
            finding = string.Create(CultureInfo.InvariantCulture, $"unbounded memory: {allocated / (1 << 20)} MB allocated for an input of {input.Length} bytes (budget {MaxAllocatedBytes / (1 << 20)} MB)");
        }

        return finding;
    }

    /// <summary>Saves a finding's input; returns the path.</summary>
    public static string Save(FuzzTarget target, byte[] input, string kind, string finding)
    {
        string directory = Path.Combine(s_crashDirectory, target.Name);
        Directory.CreateDirectory(directory);
        string hash = Convert.ToHexStringLower(SHA256.HashData(input))[..16];
        string path = Path.Combine(directory, kind + "-" + hash);
        File.WriteAllBytes(path, input);
        File.WriteAllText(path + ".txt", finding);
        return path;
    }

    private static void Watch()
    {
        while (true)
        {
            Thread.Sleep(TimeSpan.FromMilliseconds(100));

            lock (Gate)
            {
                if (s_inputStarted != 0 && Stopwatch.GetElapsedTime(s_inputStarted) > s_timeout && s_target is not null && s_input is not null)
                {
                    string path = Save(s_target, s_input, "timeout", $"hang: one input ran past {s_timeout.TotalSeconds} s");
                    Console.Out.WriteLine($"fuzz {s_target.Name}: FINDING hang (input ran past {s_timeout.TotalSeconds} s), saved {path}");
                    Console.Out.Flush();
                    Environment.Exit(3);
                }
            }
        }
    }
}
