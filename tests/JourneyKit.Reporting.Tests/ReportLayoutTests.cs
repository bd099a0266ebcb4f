using System.Text.RegularExpressions;
using JourneyKit.Analytics;
using JourneyKit.Model;
using JourneyKit.Scoring;
using JourneyKit.Synthetic;
using Xunit.Abstractions;

namespace JourneyKit.Reporting.Tests;

/// <summary>
/// Issue 19 item 7: the report rendered in headless Chromium, measured with the page's own geometry (DevTools protocol):
/// no two text boxes overlap and no text is clipped — on the bundled sample, a 30-stage journey and a journey whose
/// names are 60 characters and ids 60 characters without a space; and the file-size bound on 10⁶ generated events.
/// </summary>
public sealed partial class ReportLayoutTests(ITestOutputHelper output)
{
    public static TheoryData<string, int, int, int, int> Cases => new()
    {
        // name, stages, name length, id length, viewport width
        { "sample", 0, 0, 0, 1280 },
        { "30-stages", 30, 24, 16, 1280 },
        { "long-names", 10, 60, 60, 1280 },
        { "30-stages-long-names", 30, 60, 60, 1280 },
        { "long-names-narrow", 10, 60, 60, 800 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Report_InChromium_NoTextOverlaps_NothingClipped(string name, int stages, int nameLength, int idLength, int width)
    {
        string html = stages == 0
            ? ReportFixtures.Sample("retail-bank-account-opening", ReportFixtures.SampleAsOf)
            : ReportFixtures.DesignedReport(stages, nameLength, idLength, customers: 1500);
        string path = ReportFixtures.Save(html, name);
        ReportGeometry.Result page = await ReportGeometry.MeasureAsync(path, width);
        output.WriteLine($"{name}: {page.Boxes} text boxes, page {page.PageWidth} px wide (scroll width {page.ScrollWidth}); {path}");
        Assert.True(page.Boxes > 200, $"only {page.Boxes} text boxes measured");
        Assert.True(page.OverlapCount == 0, $"{page.OverlapCount} overlapping text boxes, e.g. " + string.Join(" | ", page.Overlaps.Select(o => $"'{o[0]}' × '{o[1]}'")));
        Assert.True(page.ClippedCount == 0, $"{page.ClippedCount} clipped text boxes, e.g. " + string.Join(" | ", page.Clipped.Select(c => $"'{c[0]}' ({c[1]})")));
        Assert.True(page.ScrollWidth <= page.PageWidth + 1, $"the page scrolls sideways: {page.ScrollWidth} > {page.PageWidth}");
        File.Delete(path);
    }

    [Fact]
    public async Task Geometry_FindsOverlapAndClipping_WhenThereIsSome()
    {
        // The checker itself: two absolutely placed labels on top of each other, an SVG label past its viewport's left
        // edge, and a word cut by an overflow:hidden box.
        string path = ReportFixtures.Save("""
            <!DOCTYPE html><html><body style="margin:0">
            <p style="position:absolute;left:10px;top:10px;margin:0">first label</p>
            <p style="position:absolute;left:20px;top:12px;margin:0">second label</p>
            <svg width="200" height="50" style="position:absolute;left:0;top:100px"><text x="5" y="20" text-anchor="end">cut on the left</text></svg>
            <div style="position:absolute;left:0;top:200px;width:40px;overflow:hidden;white-space:nowrap">a long word that does not fit</div>
            </body></html>
            """, "negative");
        ReportGeometry.Result page = await ReportGeometry.MeasureAsync(path);
        Assert.Equal(1, page.OverlapCount);
        Assert.Contains(page.Clipped, c => c[0] == "cut on the left");
        Assert.Contains(page.Clipped, c => c[0] == "a long word that does not fit" && c[1].Contains("hidden", StringComparison.Ordinal));
        File.Delete(path);
    }

    [Fact]
    public void Report_OfAMillionEvents_StaysUnderOneMegabyte_WithThinnedCurves()
    {
        // Issue 19: on 10⁶ events the HTML was 5.0 MB, 99 % of it one Kaplan–Meier path. Every chart is now bounded by
        // the journey's size, not the data's: at most 300 points per curve, 200 flow bands, 12 bars, top-N tables.
        Journey definition = ReportFixtures.Designed(12, 30, 24);
        CompiledJourney journey = definition.Compile();
        Events.EventBatch batch = new SyntheticEventGenerator(definition, new SyntheticEventOptions { Customers = 150_000, Seed = 7 }).GenerateBatch();
        Assert.True(batch.Count >= 1_000_000, $"only {batch.Count} events generated");
        string html = ReportFixtures.Html(journey, new JourneyAnalyzer(journey).Analyze(batch));
        int bytes = System.Text.Encoding.UTF8.GetByteCount(html);
        output.WriteLine($"{batch.Count:N0} events, {batch.CustomerCount:N0} customers: {bytes:N0} bytes");
        Assert.True(bytes <= 1_000_000, $"{bytes:N0} bytes");

        string risk = JourneyReportTests.Section(html, "at-risk");
        MatchCollection curves = CurvePath().Matches(risk);
        Assert.NotEmpty(curves);
        Assert.All(curves, c => Assert.InRange(Regex.Matches(c.Groups[1].Value, "H").Count, 1, 302)); // ≤ 300 steps + the closing segments
    }

    [GeneratedRegex("<path d=\"(M[^\"]*)\" stroke=\"#[0-9A-Fa-f]{6}\" stroke-width=\"2.5\"")]
    private static partial Regex CurvePath();
}
