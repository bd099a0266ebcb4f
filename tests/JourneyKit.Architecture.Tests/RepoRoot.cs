namespace JourneyKit.Architecture.Tests;

/// <summary>The repository root: the folder above the test output that holds JourneyKit.sln.</summary>
internal static class RepoRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        string dir = AppContext.BaseDirectory;
        while (!File.Exists(System.IO.Path.Combine(dir, "JourneyKit.sln")))
        {
            dir = System.IO.Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("JourneyKit.sln not found above " + AppContext.BaseDirectory);
        }

        return dir;
    }
}
