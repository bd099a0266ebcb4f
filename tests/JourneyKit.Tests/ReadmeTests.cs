namespace JourneyKit.Tests;

public sealed class ReadmeTests
{
    private static string Snippet(string file = "ReadmeQuickStart.cs", string marker = "README-QUICKSTART")
    {
        string source = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "tests", "JourneyKit.Tests", file));
        int begin = source.IndexOf($"// {marker}-BEGIN", StringComparison.Ordinal);
        int end = source.IndexOf($"// {marker}-END", StringComparison.Ordinal);
        begin = source.IndexOf('\n', begin) + 1;
        return source[begin..end].Trim().ReplaceLineEndings("\n");
    }

    [Fact]
    public void Readme_ShowsTheCompiledQuickStartVerbatim()
    {
        string readme = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "README.md")).ReplaceLineEndings("\n");
        Assert.Contains(Snippet(), readme, StringComparison.Ordinal);
    }

    [Fact]
    public void QuickStart_Runs_AndCountsTheSubmitter()
    {
        var output = new StringWriter();
        TextWriter original = Console.Out;
        Console.SetOut(output);
        int submitted;
        try
        {
            submitted = QuickStart.Run();
        }
        finally
        {
            Console.SetOut(original);
        }

        // ada: start@0, submit@12min (the duplicate e2 is dropped) → step 2; bob: start only → step 1.
        Assert.Equal(1, submitted);
        Assert.Contains("ada reached step 2 of 3", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("bob reached step 1 of 3", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Readme_ShowsTheCompiledLifecycleSnippetVerbatim()
    {
        string readme = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "README.md")).ReplaceLineEndings("\n");
        Assert.Contains(Snippet("ReadmeLifecycle.cs", "README-LIFECYCLE"), readme, StringComparison.Ordinal);
    }

    [Fact]
    public void LifecycleSnippet_OnTheBankSample_GivesEveryCustomerOneState()
    {
        // Independent count: distinct customer ids in the file; every stuck line printed is one stuck customer.
        string events = TestPaths.Sample("retail-bank-account-opening.events.csv");
        int customers = File.ReadLines(events).Skip(1).Select(l => l[..l.IndexOf(',', StringComparison.Ordinal)]).Distinct().Count();
        var output = new StringWriter();
        TextWriter original = Console.Out;
        Console.SetOut(output);
        JourneyKit.Analytics.LifecycleCounts states;
        try
        {
            states = WhereIsEachCustomer.Run(TestPaths.BankJourney, events);
        }
        finally
        {
            Console.SetOut(original);
        }

        Assert.Equal(customers, states.Total);
        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(states.Stuck, lines.Count(l => l.Contains(" is stuck in ", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.StartsWith("conversion: ", StringComparison.Ordinal));
    }

    [Fact]
    public void Readme_TestCommand_IsWhatCiRuns()
    {
        string readme = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "README.md"));
        string ci = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, ".ci", "run"));
        Assert.Contains("bash eng/test.sh", readme, StringComparison.Ordinal);
        Assert.Contains("bash eng/test.sh", ci, StringComparison.Ordinal);
    }
}
