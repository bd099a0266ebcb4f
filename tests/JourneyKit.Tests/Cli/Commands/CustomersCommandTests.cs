using System.Text.Json;
using JourneyKit.Tests.Model;

namespace JourneyKit.Tests.Cli.Commands;

public sealed class CustomersCommandTests
{
    private static readonly string Events = TestPaths.Sample("retail-bank-account-opening.events.csv");

    [Fact]
    public void StuckExport_FeedsBackIntoScoreAsACohort()
    {
        // As of 20 January, export the stuck customers, then score only them: every one of them is stuck, and the counts match.
        CliRun list = CliRunner.Run("customers", "-j", TestPaths.BankJourney, "-e", Events, "--as-of", "2026-01-20T00:00:00Z", "--state", "stuck", "--format", "csv");
        Assert.True(list.Exit == 0, list.Err);
        string[] lines = list.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(JourneyKit.Analytics.CustomerList.Header, lines[0]);
        Assert.True(lines.Length > 1, "expected stuck customers on 20 January");
        Assert.All(lines.Skip(1), l => Assert.Contains(",stuck,", l, StringComparison.Ordinal));

        string path = Path.Combine(TestTemp.Root, "jk-stuck-" + Guid.NewGuid().ToString("N") + ".csv");
        File.WriteAllText(path, list.Out);
        CliRun score = CliRunner.Run("score", "-j", TestPaths.BankJourney, "-e", Events, "--as-of", "2026-01-20T00:00:00Z", "--customers", path, "--format", "json");
        Assert.True(score.Exit == 0, score.Err);
        using JsonDocument doc = JsonDocument.Parse(score.Out);
        JsonElement summary = doc.RootElement.GetProperty("summary");
        Assert.Equal(lines.Length - 1, summary.GetProperty("customers").GetInt32());
        Assert.Equal(lines.Length - 1, summary.GetProperty("stuck").GetInt32());
        File.Delete(path);
    }

    [Fact]
    public void BadState_IsAUsageError_ThatNamesTheChoices()
    {
        CliRun run = CliRunner.Run("customers", "-j", TestPaths.BankJourney, "-e", Events, "--state", "lost");
        Assert.Equal(2, run.Exit);
        Assert.Contains("expected in_progress, stuck, dormant, converted or failed", run.Err, StringComparison.Ordinal);
        CliRun stage = CliRunner.Run("customers", "-j", TestPaths.BankJourney, "-e", Events, "--stage", "nowhere");
        Assert.Equal(2, stage.Exit);
        Assert.Contains("no stage 'nowhere'", stage.Err, StringComparison.Ordinal);
    }
}
