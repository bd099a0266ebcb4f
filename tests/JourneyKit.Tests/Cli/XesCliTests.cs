using System.Text.Json;

namespace JourneyKit.Tests.Cli;

/// <summary>
/// Every command that reads events takes the committed BPI Challenge 2012 excerpt (<c>.xes.gz</c>), and the sample
/// journey for it validates and scores it. Expected counts were computed from the excerpt with Python's
/// xml.etree.ElementTree (see <see cref="Events.Bpic2012ExcerptTests"/>): 300 traces, 6,929 events; 65 traces have a
/// goal activity (A_APPROVED, A_REGISTERED, A_ACTIVATED or O_ACCEPTED), the other 235 have A_DECLINED/O_DECLINED (166)
/// or A_CANCELLED (69) and none has both or neither.
/// </summary>
public sealed class XesCliTests
{
    private static readonly string Excerpt = TestPaths.Data("bpic2012-excerpt.xes.gz");
    private static readonly string Journey = TestPaths.Sample("bpic2012.journey.json");

    [Fact]
    public void Validate_Bpic2012Journey_IsValid()
    {
        CliRun run = CliRunner.Run("validate", Journey);

        Assert.Equal(0, run.Exit);
        Assert.Contains("valid (6 stages, 24 touchpoints", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Events_Excerpt_CountsTracesAndEvents()
    {
        CliRun run = CliRunner.Run("events", Excerpt, "--format", "json");

        Assert.Equal(0, run.Exit);
        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal(6929, json.RootElement.GetProperty("events").GetInt32());
        Assert.Equal(300, json.RootElement.GetProperty("customers").GetInt32());
        Assert.Equal(24, json.RootElement.GetProperty("touchpoints").GetInt32());
    }

    [Fact]
    public void Score_Excerpt_GoalAndFailuresMatchTheOutcomeActivities()
    {
        CliRun run = CliRunner.Run("score", "--journey", Journey, "--events", Excerpt, "--format", "json");

        Assert.Equal(0, run.Exit);
        using var json = JsonDocument.Parse(run.Out);
        JsonElement summary = json.RootElement.GetProperty("summary");
        Assert.Equal(300, summary.GetProperty("customers").GetInt32());
        Assert.Equal(65, summary.GetProperty("converted").GetInt32());
        Assert.Equal(235, summary.GetProperty("failed").GetInt32());
    }

    [Theory]
    [InlineData("funnel", "--steps", "A_SUBMITTED,A_ACCEPTED,O_SENT,A_APPROVED", "--window", "60d")]
    [InlineData("match", "--pattern", "O_SENT .* O_SENT_BACK within 7d")]
    public void EventCommands_ReadXes(string command, string option, string value, params string[] more)
    {
        CliRun run = CliRunner.Run([command, "--events", Excerpt, option, value, .. more]);

        Assert.True(run.Exit == 0, run.Err);
    }

    [Fact]
    public void Analyze_Excerpt_UsesTheJourney()
    {
        CliRun run = CliRunner.Run("analyze", "--journey", Journey, "--events", Excerpt, "--format", "json");

        Assert.True(run.Exit == 0, run.Err);
        using var json = JsonDocument.Parse(run.Out);
        JsonElement analysis = json.RootElement.GetProperty("analysis");
        Assert.Equal(300, analysis.GetProperty("customers").GetInt32());
        Assert.Equal(65, analysis.GetProperty("goal_reached").GetInt32());
    }
}
