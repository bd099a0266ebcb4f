using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using JourneyKit.Tests.Generators;

namespace JourneyKit.Reporting.Tests;

/// <summary>The SVG label wrapping: lines fit their width, nothing is lost unless the line limit cuts it (then "…").</summary>
public sealed class TextLayoutTests
{
    [Fact]
    public void Wrap_BreaksAtSpaces_ThenInsideLongIds()
    {
        // 13 px: "Verify identity" ≈ 15 chars × ~8.6 px ≈ 110 px fits in 120; the next word does not.
        Assert.Equal(["Verify identity", "and address"], JourneyReport.Wrap("Verify identity and address", 120, 13, 4));
        List<string> id = JourneyReport.Wrap("customer.portal.identity.verification", 120, 13, 4);
        Assert.True(id.Count > 1);
        Assert.Equal("customer.portal.identity.verification", string.Concat(id));
        Assert.EndsWith(".", id[0], StringComparison.Ordinal); // broken after a dot
    }

    [Fact]
    public void Wrap_PastTheLineLimit_EndsWithAnEllipsis()
    {
        List<string> lines = JourneyReport.Wrap(string.Join(' ', Enumerable.Repeat("word", 40)), 60, 13, 2);
        Assert.Equal(2, lines.Count);
        Assert.EndsWith("…", lines[1], StringComparison.Ordinal);
    }

    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzMW0123456789._- ";

    /// <remarks>The text: 1–119 letters of <see cref="Alphabet"/> (shrinking towards "a"); the width in pixels.</remarks>
    [Property(MaxTest = 300)]
    public Property Wrap_LinesFit_AndKeepTheText() => Pair.ForAll(Small.ArrayOf(Gen.Choose(0, Alphabet.Length - 1), 1, 119), Small.Between(40, 299), (letters, pixels) =>
    {
        string text = new([.. letters.Select(l => Alphabet[l])]);
        double width = pixels;
        List<string> lines = JourneyReport.Wrap(text, width, 13, 100);
        Assert.All(lines, l => Assert.True(JourneyReport.TextWidth(l, 13) <= width || l.Length == 1, $"'{l}' is wider than {width}"));
        string Squash(string s) => s.Replace(" ", string.Empty, StringComparison.Ordinal);
        Assert.Equal(Squash(text), Squash(string.Concat(lines)));
        return true;
    });
}
