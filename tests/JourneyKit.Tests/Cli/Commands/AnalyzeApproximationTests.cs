using System.Text.Json;
using JourneyKit.Cli.Commands;
using JourneyKit.Tests.Model;

namespace JourneyKit.Tests.Cli.Commands;

/// <summary>
/// <c>analyze</c> says when a number comes from a sketch: with the cap on exact samples lowered by the test hook below the
/// sample's 2,000 customers the JSON carries <c>approximation</c> and the table a note; at the default cap neither appears.
/// </summary>
public sealed class AnalyzeApproximationTests
{
    private static readonly string Events = TestPaths.Sample("retail-bank-account-opening.events.csv");

    private static CliRun Analyze(int? exactSamples, params string[] args)
    {
        AnalyzeCommand.ExactSamplesForTests.Value = exactSamples;
        try
        {
            return CliRunner.Run(["analyze", "--journey", TestPaths.BankJourney, "--events", Events, .. args]);
        }
        finally
        {
            AnalyzeCommand.ExactSamplesForTests.Value = null;
        }
    }

    [Fact]
    public void TinyCap_JsonAndTableSayWhatIsApproximate()
    {
        CliRun json = Analyze(100, "--format", "json");
        Assert.True(json.Exit == 0, json.Err);
        using var doc = JsonDocument.Parse(json.Out);
        JsonElement approximation = doc.RootElement.GetProperty("analysis").GetProperty("approximation");
        Assert.Equal(0.005, approximation.GetProperty("relative_accuracy").GetDouble());
        Assert.Equal(100, approximation.GetProperty("exact_samples").GetInt32());
        string[] sections = [.. approximation.GetProperty("sections").EnumerateArray().Select(s => s.GetString()!)];
        foreach (string section in (string[])["conversion", "funnel", "segments", "time_in_stage", "scores"])
        {
            Assert.Contains(section, sections); // 2,000 runs: the goal, step and score samples all pass 100
        }

        foreach (string section in sections)
        {
            Assert.True(doc.RootElement.GetProperty("analysis").TryGetProperty(section, out _), section); // each names a section of the document
        }

        CliRun table = Analyze(100);
        Assert.True(table.Exit == 0, table.Err);
        string note = Assert.Single(table.Out.Split('\n'), l => l.StartsWith("Approximate", StringComparison.Ordinal));
        Assert.Equal($"Approximate (a distribution over 100 samples is sketched; times within ±0.5 %): {string.Join(", ", sections)}.", note);
    }

    [Fact]
    public void DefaultCap_SaysNothing()
    {
        CliRun json = Analyze(null, "--format", "json");
        Assert.True(json.Exit == 0, json.Err);
        using var doc = JsonDocument.Parse(json.Out);
        Assert.False(doc.RootElement.GetProperty("analysis").TryGetProperty("approximation", out _));
        CliRun table = Analyze(null);
        Assert.DoesNotContain("Approximate", table.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void TinyCap_StreamedEqualsWhole()
    {
        // Batches of 97 events: many partial accumulators, merged past the cap, against the whole file read from stdin.
        AnalyzeCommand.ExactSamplesForTests.Value = 50;
        JourneyKit.Cli.CliEventStream.BatchEventsForTests.Value = 97;
        CliRun streamed, whole;
        try
        {
            streamed = CliRunner.Run("analyze", "--journey", TestPaths.BankJourney, "--events", Events, "--format", "json");
            JourneyKit.Cli.CliEventStream.BatchEventsForTests.Value = null;
            whole = CliRunner.RunWithStdin(File.ReadAllBytes(Events), "analyze", "--journey", TestPaths.BankJourney, "--events", "-", "--format", "json");
        }
        finally
        {
            AnalyzeCommand.ExactSamplesForTests.Value = null;
            JourneyKit.Cli.CliEventStream.BatchEventsForTests.Value = null;
        }

        Assert.True(streamed.Exit == 0, streamed.Err);
        Assert.Contains("\"approximation\"", streamed.Out, StringComparison.Ordinal);
        Assert.Equal(whole.Out, streamed.Out);
    }
}
