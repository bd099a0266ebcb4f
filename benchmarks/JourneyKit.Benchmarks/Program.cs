using BenchmarkDotNet.Running;

namespace JourneyKit.Benchmarks;

public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--guard")
        {
            return Guard.Run(Console.Out);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
