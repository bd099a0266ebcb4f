namespace JourneyKit.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        // Data goes through a buffer flushed at the end (JourneyKitCli.Run), not one write per line: Console.Out flushes
        // every call, a system call per table row (a million-row score table spent seconds there).
        using var stdout = new StreamWriter(Console.OpenStandardOutput(), Console.OutputEncoding, 1 << 16) { AutoFlush = false };
        return JourneyKitCli.Run(args, stdout, Console.Error);
    }
}
