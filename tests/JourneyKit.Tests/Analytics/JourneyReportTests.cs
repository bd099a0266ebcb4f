using System.Diagnostics;
using System.Text.RegularExpressions;
using JourneyKit.Analytics;
using JourneyKit.Reporting;
using JourneyKit.Scoring;
using JourneyKit.Tests.Cli;
using JourneyKit.Tests.Model;
using Xunit.Abstractions;

namespace JourneyKit.Tests.Analytics;

/// <summary>Renders the bundled bank sample's report and opens it in headless Chromium (installed by eng/test.sh).</summary>
public sealed partial class JourneyReportTests(ITestOutputHelper output)
{
    private static string RenderSample()
    {
        string path = Path.Combine(Path.GetTempPath(), "jk-report-" + Guid.NewGuid().ToString("N") + ".html");
        CliRun run = CliRunner.Run(
            "report", "--journey", TestPaths.BankJourney, "--events", TestPaths.Sample("retail-bank-account-opening.events.csv"),
            "--as-of", "2026-01-20T00:00:00Z", "--out", path);
        Assert.Equal(0, run.Exit);
        Assert.Contains(path, run.Out, StringComparison.Ordinal);
        return path;
    }

    [Fact]
    public void Report_IsSelfContained_WithEverySectionAndChart()
    {
        string html = File.ReadAllText(RenderSample());
        foreach (string id in JourneyReport.SectionIds)
        {
            Assert.Contains($"<section id=\"{id}\"", html, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(ExternalReference(), html);
        Assert.Contains("Content-Security-Policy", html, StringComparison.Ordinal);

        // Funnel, flow, time in stage, attribution and score charts: each an SVG with drawn shapes and a text alternative.
        MatchCollection svgs = Svg().Matches(html);
        Assert.True(svgs.Count >= 5, $"expected at least 5 charts, found {svgs.Count}");
        Assert.All(svgs, m => Assert.Matches("<(rect|path|line)\\b", m.Value));
        Assert.All(svgs, m => Assert.Contains("aria-label=\"", m.Value, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("retail-bank-account-opening", "2026-01-20T00:00:00Z")]
    [InlineData("retail-bank-account-opening", null)]
    [InlineData("ecommerce-purchase", null)]
    public void Report_StateTiles_AreExclusive_AndAddUpToTheCustomers(string sample, string? asOf)
    {
        // Issue 14: on the bundled samples the tiles used to overlap (874 of 876 "stuck" were dead ends). The five state
        // tiles must add up to the customer count, which is counted here straight from the file (distinct customer ids with
        // an event at or before the instant).
        string events = TestPaths.Sample(sample + ".events.csv");
        string path = Path.Combine(Path.GetTempPath(), "jk-report-" + Guid.NewGuid().ToString("N") + ".html");
        string[] args = asOf is null
            ? ["report", "--journey", TestPaths.Sample(sample + ".journey.json"), "--events", events, "--out", path]
            : ["report", "--journey", TestPaths.Sample(sample + ".journey.json"), "--events", events, "--as-of", asOf, "--out", path];
        Assert.Equal(0, CliRunner.Run(args).Exit);
        string html = File.ReadAllText(path);
        DateTimeOffset limit = asOf is null ? DateTimeOffset.MaxValue : DateTimeOffset.Parse(asOf, System.Globalization.CultureInfo.InvariantCulture);
        int customers = File.ReadLines(events).Skip(1).Select(l => l.Split(','))
            .Where(f => DateTimeOffset.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture) <= limit)
            .Select(f => f[0]).Distinct().Count();
        string tiles = html[html.IndexOf("<dl class=\"tiles\" id=\"states\">", StringComparison.Ordinal)..];
        tiles = tiles[..tiles.IndexOf("</dl>", StringComparison.Ordinal)];
        var counts = TileCount().Matches(tiles).Select(m => (Label: m.Groups[1].Value, Count: int.Parse(m.Groups[2].Value.Replace(",", string.Empty, StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture))).ToList();
        Assert.Equal(["In progress", "Stuck", "Dormant", "Converted", "Failed"], counts.Select(c => c.Label));
        Assert.Equal(customers, counts.Sum(c => c.Count));
        File.Delete(path);
    }

    [GeneratedRegex("<dt>([^<]+)</dt><dd>([0-9,]+) ")]
    private static partial Regex TileCount();

    [Fact]
    public void Report_EscapesNamesFromTheDefinition()
    {
        var journey = new JourneyKit.Model.JourneyBuilder("j")
            .Name("<script>alert(1)</script> & co")
            .Touchpoint("t", JourneyKit.Model.Channel.Web)
            .Stage("s", s => s.Touchpoints("t").Goal())
            .Build()
            .Compile();
        var writer = new StringWriter();
        JourneyReport.WriteHtml(writer, journey, new JourneyAnalyzer(journey).Analyze(JourneyKit.Events.EventBatch.Empty, JourneyAnalyzerTests.T0));
        string html = writer.ToString();
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_ShowsTheLargestSegments_AndCountsTheRest()
    {
        // 30 customers, each in its own channel: 12 channel rows are shown, 18 counted; first channels the same.
        var b = new JourneyKit.Events.EventBatchBuilder();
        for (int c = 0; c < 30; c++)
        {
            b.Add(JourneyAnalyzerTests.E("k" + c, "form", 0, new JourneyKit.Model.Channel("ch" + c)));
        }

        CompiledJourney journey = JourneyAnalyzerTests.Journey();
        var writer = new StringWriter();
        JourneyReport.WriteHtml(writer, journey, new JourneyAnalyzer(journey).Analyze(b.Build(), JourneyAnalyzerTests.T0.AddDays(1)));
        string html = writer.ToString();
        Assert.Contains("… and 18 smaller channel segments", html, StringComparison.Ordinal);
        Assert.Contains("… and 18 smaller first channel segments", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_LoadsInHeadlessChromium_WithoutConsoleErrors_AndSavesAScreenshot()
    {
        string chromium = FindChromium()
            ?? throw new InvalidOperationException("Chromium is needed for this test: apt-get install chromium (eng/test.sh does it).");
        string report = RenderSample();
        string url = new Uri(report).AbsoluteUri;

        (string dom, string log) = RunChromium(chromium, "--enable-logging=stderr", "--v=0", "--dump-dom", url);
        Assert.DoesNotContain(":CONSOLE", log, StringComparison.Ordinal); // no script runs, so any console line is an error (e.g. a CSP violation)
        foreach (string id in JourneyReport.SectionIds)
        {
            Assert.Contains($"id=\"{id}\"", dom, StringComparison.Ordinal);
        }

        Assert.True(Svg().Matches(dom).Count >= 5);

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

    private static string? FindChromium()
    {
        foreach (string name in new[] { "chromium", "chromium-browser", "google-chrome" })
        {
            foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
            {
                string candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static (string Stdout, string Stderr) RunChromium(string chromium, params string[] args)
    {
        var start = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=" + Path.Combine(Path.GetTempPath(), "jk-chromium-" + Guid.NewGuid().ToString("N")) })
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

    [GeneratedRegex("<svg\\b.*?</svg>", RegexOptions.Singleline)]
    private static partial Regex Svg();

    [GeneratedRegex("(src|href)=\"(https?:)?//", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalReference();
}
