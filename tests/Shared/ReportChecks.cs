using System.Text.RegularExpressions;
using JourneyKit.Reporting;
using Xunit;

namespace JourneyKit.Tests.Shared;

/// <summary>
/// The check both the report's own tests and the CLI's <c>report</c> tests make of a rendered page: every section, no
/// script, nothing loaded from elsewhere, a content security policy, and at least five charts (funnel, flow, time in
/// stage, attribution, score), each an SVG with drawn shapes and a text alternative.
/// </summary>
internal static partial class ReportChecks
{
    public static void SelfContainedWithCharts(string html)
    {
        foreach (string id in JourneyReport.SectionIds)
        {
            Assert.Contains($"<section id=\"{id}\"", html, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(ExternalReference(), html);
        Assert.Contains("Content-Security-Policy", html, StringComparison.Ordinal);

        MatchCollection svgs = Svg().Matches(html);
        Assert.True(svgs.Count >= 5, $"expected at least 5 charts, found {svgs.Count}");
        Assert.All(svgs, m => Assert.Matches("<(rect|path|line)\\b", m.Value));
        Assert.All(svgs, m => Assert.Contains("aria-label=\"", m.Value, StringComparison.Ordinal));
    }

    /// <summary>An element loading from another origin (<c>src="//…"</c>, <c>href="https://…"</c>).</summary>
    [GeneratedRegex("(src|href)=\"(https?:)?//", RegexOptions.IgnoreCase)]
    public static partial Regex ExternalReference();

    /// <summary>One inline SVG chart.</summary>
    [GeneratedRegex("<svg\\b.*?</svg>", RegexOptions.Singleline)]
    public static partial Regex Svg();
}
