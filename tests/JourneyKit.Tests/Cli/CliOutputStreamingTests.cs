using System.Text;
using System.Text.Json;
using JourneyKit.Cli;

namespace JourneyKit.Tests.Cli;

/// <summary>Issue 21: JSON output is written as it is produced, not built in memory and copied to a string.</summary>
public sealed class CliOutputStreamingTests
{
    /// <summary>Counts what reached it, so a test can look while the document is still being written.</summary>
    private sealed class WatchingWriter : StringWriter
    {
        public override Encoding Encoding => Encoding.UTF8;

        public int Received => GetStringBuilder().Length;
    }

    [Fact]
    public void WriteJson_LargeDocument_ReachesTheOutputWhileBeingWritten_Issue21()
    {
        var output = new WatchingWriter();
        int receivedHalfway = -1;
        CliOutput.WriteJson(output, json =>
        {
            json.WriteStartArray();
            for (int i = 0; i < 100_000; i++)
            {
                if (i == 50_000)
                {
                    receivedHalfway = output.Received;
                }

                json.WriteStartObject();
                json.WriteString("customer_id", "c" + i + " é €"); // multi-byte characters split across pieces
                json.WriteNumber("score", i);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        });

        // Halfway, all but the last piece (16 KiB) of the first 50,000 objects (about 60 bytes each) was written.
        Assert.True(receivedHalfway > 50_000 * 40, $"{receivedHalfway} characters had been written halfway");
        string text = output.ToString();
        Assert.EndsWith("]" + Environment.NewLine, text, StringComparison.Ordinal);
        using JsonDocument doc = JsonDocument.Parse(text);
        Assert.Equal(100_000, doc.RootElement.GetArrayLength());
        Assert.Equal("c99999 é €", doc.RootElement[99_999].GetProperty("customer_id").GetString());
    }

    [Fact]
    public void WriteJson_SmallDocument_IsWholeWithANewline()
    {
        var output = new StringWriter();
        CliOutput.WriteJson(output, json =>
        {
            json.WriteStartObject();
            json.WriteString("a", "ü");
            json.WriteEndObject();
        });
        string text = output.ToString();
        Assert.EndsWith("}" + Environment.NewLine, text, StringComparison.Ordinal);
        Assert.Contains("\"a\": \"ü\"", text, StringComparison.Ordinal); // relaxed escaping keeps the character
    }
}
