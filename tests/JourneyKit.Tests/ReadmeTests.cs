namespace JourneyKit.Tests;

public sealed class ReadmeTests
{
    private static string Snippet()
    {
        string source = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "tests", "JourneyKit.Tests", "ReadmeQuickStart.cs"));
        int begin = source.IndexOf("// README-QUICKSTART-BEGIN", StringComparison.Ordinal);
        int end = source.IndexOf("// README-QUICKSTART-END", StringComparison.Ordinal);
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
    public void Readme_TestCommand_IsWhatCiRuns()
    {
        string readme = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "README.md"));
        string ci = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, ".ci", "run"));
        Assert.Contains("bash eng/test.sh", readme, StringComparison.Ordinal);
        Assert.Contains("bash eng/test.sh", ci, StringComparison.Ordinal);
    }
}
