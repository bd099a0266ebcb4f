using BenchmarkDotNet.Running;

namespace JourneyKit.Benchmarks;

public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 1 && args[0] == "--guard" && args[1] == "evaluation")
        {
            return Guard.CheckEvaluation(Console.Out) == 0 ? 0 : 1; // the evaluation checks alone
        }

        if (args.Length > 0 && args[0] == "--guard")
        {
            return Guard.Run(Console.Out);
        }

        if (args.Length > 0 && args[0] == "--timed-probe")
        {
            return Guard.TimedProbe(Console.Out, args);
        }

#if PEERS
        if (args.Length > 0 && args[0] == "--duckdb-funnel")
        {
            return Peers.DuckDbCsvFunnel.Run(args[1..], Console.Out);
        }
#endif

        if (args.Length > 0 && args[0] == "--evaluation")
        {
            return EvaluationProbe.Run(Console.Out, args);
        }

        if (args.Length > 0 && args[0] == "--prediction")
        {
            return PredictionProbe.Run(Console.Out, args);
        }

        if (args.Length > 0 && args[0] == "--pg-append")
        {
            return PostgreSqlAppendProbe.RunAsync(Console.Out, args).GetAwaiter().GetResult();
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
