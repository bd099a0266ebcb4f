using System.Diagnostics;
using System.Text.RegularExpressions;
using JourneyKit.Analytics;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Model.Json;
using JourneyKit.Scoring;
using Xunit.Abstractions;

namespace JourneyKit.Reporting.Tests;

/// <summary>The report's content: self-contained, escaped, display names, plain-words moments, KPI marks, failure flags.</summary>
public sealed partial class JourneyReportTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset T0 = new(2026, 2, 1, 0, 0, 0, TimeSpan.Zero);

    private static CompiledJourney Small() => new JourneyBuilder("j")
        .Touchpoint("form", Channel.Web)
        .Touchpoint("upload", Channel.Mobile)
        .Touchpoint("active", Channel.Mobile)
        .Stage("apply", s => s.Name("Apply").Touchpoints("form").StandardTime(TimeSpan.FromDays(2)))
        .Stage("verify", s => s.Name("Verify identity").Touchpoints("upload").StandardTime(TimeSpan.FromDays(1)))
        .Stage("done", s => s.Name("Active").Touchpoints("active").Goal())
        .Build()
        .Compile();

    [Fact]
    public void Report_SaysWhichNumbersAreApproximate_OnlyWhenSketched()
    {
        // The bank sample with a cap of 4 exact samples per distribution: its time-in-stage and follow-up distributions
        // have more, so they are sketched and the page says so in its header; with the default cap (2^20) every number
        // of the sample is exact and the page has no such line.
        CompiledJourney journey = JourneyJson.LoadFile(TestPaths.BankJourney).Compile();
        EventBatch batch = EventFile.Read(TestPaths.Sample("retail-bank-account-opening.events.csv")).Batch.Until(ReportFixtures.SampleAsOf);
        JourneyAnalysis exact = new JourneyAnalyzer(journey).Analyze(batch, ReportFixtures.SampleAsOf);
        JourneyAnalysis sketched = new JourneyAnalyzer(journey, new AnalyticsOptions { ExactSamples = 4 }).Analyze(batch, ReportFixtures.SampleAsOf);
        Assert.Null(exact.Approximation);
        AnalysisApproximation approximation = Assert.IsType<AnalysisApproximation>(sketched.Approximation);
        Assert.Contains("time_in_stage", approximation.Sections);

        Assert.DoesNotContain("id=\"approximate\"", ReportFixtures.Html(journey, exact), StringComparison.Ordinal);
        string html = ReportFixtures.Html(journey, sketched);
        int note = html.IndexOf("id=\"approximate\"", StringComparison.Ordinal);
        Assert.True(note > 0 && note < html.IndexOf("<nav", StringComparison.Ordinal), "the note is in the header, before the sections");
        string text = System.Net.WebUtility.HtmlDecode(html); // the page writes ± as &#177;
        Assert.Contains("more than 4 samples", text, StringComparison.Ordinal);
        Assert.Contains("within ±0.5 % of the exact ones", text, StringComparison.Ordinal);
        Assert.Contains("time in stage", text, StringComparison.Ordinal);
        ReportChecks.SelfContainedWithCharts(html);
    }

    [Fact]
    public void Report_IsSelfContained_WithEverySectionAndChart()
    {
        string html = ReportFixtures.Sample("retail-bank-account-opening", ReportFixtures.SampleAsOf);
        ReportChecks.SelfContainedWithCharts(html);
    }

    [Fact]
    public void Report_EscapesNamesFromTheDefinition()
    {
        CompiledJourney journey = new JourneyBuilder("j")
            .Name("<script>alert(1)</script> & co")
            .Touchpoint("t", Channel.Web)
            .Stage("s", s => s.Touchpoints("t").Goal())
            .Build()
            .Compile();
        string html = ReportFixtures.Html(journey, new JourneyAnalyzer(journey).Analyze(EventBatch.Empty, T0));
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_ShowsTheLargestSegments_AndCountsTheRest()
    {
        // 30 customers, each in its own channel: 12 channel rows are shown, 18 counted; first channels the same.
        var b = new EventBatchBuilder();
        for (int c = 0; c < 30; c++)
        {
            b.Add(new JourneyEvent("k" + c, "form", T0, new Channel("ch" + c)));
        }

        CompiledJourney journey = Small();
        string html = ReportFixtures.Html(journey, new JourneyAnalyzer(journey).Analyze(b.Build(), T0.AddDays(1)));
        Assert.Contains("… and 18 smaller channel segments", html, StringComparison.Ordinal);
        Assert.Contains("… and 18 smaller first channel segments", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_TablesShowDisplayNames_WithTheIdAsASecondaryLine()
    {
        // Issue 19: the tables said "verify" where the map said "Verify identity". k1 is stuck in verify (3 days in a
        // 1-day stage, still active: its last event is the upload).
        var b = new EventBatchBuilder();
        b.Add(new JourneyEvent("k1", "form", T0, Channel.Web));
        b.Add(new JourneyEvent("k1", "upload", T0.AddHours(1), Channel.Mobile));
        b.Add(new JourneyEvent("k2", "form", T0, Channel.Web));
        b.Add(new JourneyEvent("k2", "upload", T0.AddHours(2), Channel.Mobile));
        b.Add(new JourneyEvent("k2", "active", T0.AddHours(3), Channel.Mobile));
        CompiledJourney journey = Small();
        string html = ReportFixtures.Html(journey, new JourneyAnalyzer(journey).Analyze(b.Build(), T0.AddDays(3)));
        string stuck = Section(html, "stuck");
        Assert.Contains("<td>Verify identity<span class=\"id\">verify</span></td>", stuck, StringComparison.Ordinal);
        Assert.DoesNotContain("<td>verify</td>", html, StringComparison.Ordinal);
        Assert.Contains("Apply → Verify identity → Active", Section(html, "flow"), StringComparison.Ordinal);
    }

    [Fact]
    public void Report_GoalStage_HasNoToNext()
    {
        // Issue 19: the goal stage read "100 % to next". k2 reached the goal.
        var b = new EventBatchBuilder();
        b.Add(new JourneyEvent("k2", "form", T0, Channel.Web));
        b.Add(new JourneyEvent("k2", "active", T0.AddHours(3), Channel.Mobile));
        CompiledJourney journey = Small();
        string funnel = Section(ReportFixtures.Html(journey, new JourneyAnalyzer(journey).Analyze(b.Build(), T0.AddDays(3))), "stage-funnel");
        Assert.Contains("1 reached the goal", funnel, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Matches(funnel, "to next").Count); // apply and verify only
    }

    [Fact]
    public void Report_Sample_MomentsInPlainWords_KpisMarked_FailureTouchpointFlagged()
    {
        string html = ReportFixtures.Sample("retail-bank-account-opening", ReportFixtures.SampleAsOf);
        string map = Section(html, "journey-map");

        // "payment.failed .* call.centre.enquiry within 2d" with the catalog's touchpoint names, the pattern below it.
        Assert.Matches("<span class=\"plain\">[^<]+, later [^<]+, all within 2d</span><span class=\"id\">pattern <code>payment.failed .\\* call.centre.enquiry within 2d</code>", map);
        Assert.Matches("<span class=\"badge (pos\">✓ on target|neg\">✗ off target)</span>", map);

        // payment.failed is named by the negative moment "failed-deposit-call": flagged, with the caveat under the table.
        string attribution = Section(html, "attribution");
        Assert.Contains("payment.failed", attribution, StringComparison.Ordinal);
        Assert.Contains("⚠ failure touchpoint", attribution, StringComparison.Ordinal);
        Assert.Contains("class=\"caveat\"", attribution, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_LoadsInHeadlessChromium_WithoutConsoleErrors_AndSavesAScreenshot()
    {
        string chromium = HeadlessChromium.Require();
        string report = ReportFixtures.Save(ReportFixtures.Sample("retail-bank-account-opening", ReportFixtures.SampleAsOf), "sample");
        string url = new Uri(report).AbsoluteUri;

        (string dom, string log) = RunChromium(chromium, "--enable-logging=stderr", "--v=0", "--dump-dom", url);
        Assert.DoesNotContain(":CONSOLE", log, StringComparison.Ordinal); // no script runs, so any console line is an error (e.g. a CSP violation)
        foreach (string id in JourneyReport.SectionIds)
        {
            Assert.Contains($"id=\"{id}\"", dom, StringComparison.Ordinal);
        }

        Assert.True(ReportChecks.Svg().Matches(dom).Count >= 5);

        string directory = Path.Combine(AppContext.BaseDirectory, "report-screenshots");
        Directory.CreateDirectory(directory);
        string png = Path.Combine(directory, "journey-report.png");
        File.Delete(png);
        RunChromium(chromium, "--hide-scrollbars", "--window-size=1280,2400", "--screenshot=" + png, url);
        byte[] bytes = File.ReadAllBytes(png);
        Assert.True(bytes.Length > 20_000, $"screenshot is only {bytes.Length} bytes");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        output.WriteLine($"screenshot: {png}");
    }

    /// <summary>One section of the page, from its opening tag to its end.</summary>
    internal static string Section(string html, string id)
    {
        int start = html.IndexOf($"<section id=\"{id}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no section {id}");
        return html[start..html.IndexOf("</section>", start, StringComparison.Ordinal)];
    }

    private static (string Stdout, string Stderr) RunChromium(string chromium, params string[] args)
    {
        var start = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=" + Path.Combine(TestTemp.Root, "jk-chromium-" + Guid.NewGuid().ToString("N")) })
        {
            start.ArgumentList.Add(a);
        }

        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("Chromium did not finish within 90 s.");
        }

        return (stdout.Result, stderr.Result);
    }
}
