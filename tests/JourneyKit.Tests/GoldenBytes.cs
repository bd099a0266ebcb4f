using System.Text;

namespace JourneyKit.Tests;

/// <summary>
/// Golden-bytes fixtures of the persisted formats (Orchestration/Fixtures, Scoring/Fixtures, Matching/Pattern/Fixtures,
/// Matching/WindowFunnel/Fixtures): hex digits, whitespace ignored, '#' starts a comment to the end of the line. A test
/// compares today's writer with them; when it fails the format changed — give it a new version, keep reading the old one
/// and add a fixture for the new one (the failure prints the new bytes); never just regenerate a fixture.
/// </summary>
internal static class GoldenBytes
{
    /// <summary>Reads a fixture by its path relative to the test project (copied to the output directory).</summary>
    public static byte[] Read(string path)
    {
        var hex = new StringBuilder();
        foreach (string line in File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, path)))
        {
            foreach (char c in line.Split('#')[0])
            {
                if (!char.IsWhiteSpace(c))
                {
                    hex.Append(c);
                }
            }
        }

        return Convert.FromHexString(hex.ToString());
    }

    /// <summary>Asserts that <paramref name="actual"/> is the fixture's bytes; on a difference, prints the first differing
    /// offset and the actual bytes in the fixture's layout (32 bytes a line).</summary>
    public static void AssertEqual(string path, byte[] actual)
    {
        byte[] golden = Read(path);
        if (golden.AsSpan().SequenceEqual(actual))
        {
            return;
        }

        int at = golden.AsSpan().CommonPrefixLength(actual);
        var lines = new StringBuilder();
        for (int i = 0; i < actual.Length; i += 32)
        {
            lines.AppendLine(Convert.ToHexString(actual, i, Math.Min(32, actual.Length - i)));
        }

        Assert.Fail($"{path}: the writer's bytes differ from the fixture at offset {at} (fixture {golden.Length} bytes, writer {actual.Length}). The persisted format changed: version it (see {nameof(GoldenBytes)}). Writer's bytes:{Environment.NewLine}{lines}");
    }
}
