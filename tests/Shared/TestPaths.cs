namespace JourneyKit.Tests.Shared;

/// <summary>Locates files of the repository (samples, schema) from the test output folder (linked into several test projects).</summary>
internal static class TestPaths
{
    public static string RepoRoot { get; } = FindRoot();

    public static string Sample(string name) => Path.Combine(RepoRoot, "samples", "data", name);

    /// <summary>A committed test data file under <c>tests/data</c> (see its README for sources and licences).</summary>
    public static string Data(string name) => Path.Combine(RepoRoot, "tests", "data", name);

    public static string BankJourney => Sample("retail-bank-account-opening.journey.json");

    public static string ShopJourney => Sample("ecommerce-purchase.journey.json");

    private static string FindRoot()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "JourneyKit.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? throw new InvalidOperationException("JourneyKit.sln not found above " + AppContext.BaseDirectory);
    }
}
