namespace JourneyKit.Cli;

internal static class Program
{
    private static int Main(string[] args) => JourneyKitCli.Run(args, Console.Out, Console.Error);
}
