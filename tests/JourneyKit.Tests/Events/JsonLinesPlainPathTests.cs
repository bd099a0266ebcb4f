using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Xunit;
using JourneyKit.Events;
using JourneyKit.Tests.Generators;
using static JourneyKit.Tests.Shared.EventTestHelper;

namespace JourneyKit.Tests.Events;

/// <summary>
/// The byte-level path for plain JSON Lines against the reference: the same bytes read with <see cref="System.Text.Json.Utf8JsonReader"/>
/// alone. Plain good lines are read from the bytes; every other line (escapes, nulls, booleans, numbers in string fields,
/// nesting, duplicates, bad timestamps, missing fields, broken JSON) goes to the reference reader — so events, errors
/// and line numbers must be identical.
/// </summary>
public sealed class JsonLinesPlainPathTests
{
    /// <summary>Random lines drawn from a shrinking record of choices (<see cref="Choices"/>), bad rows thrown or skipped.</summary>
    [Property(MaxTest = 400)]
    public Property PlainAndReference_GiveTheSameResult() => Pair.ForAll(Choices.Of(1200), Small.Between(0, 1), (choices, skip) =>
    {
        byte[] bytes = Encoding.UTF8.GetBytes(RandomJsonLines(new Choices(choices)));
        EventReaderOptions options = skip == 1 ? new EventReaderOptions { BadRows = BadRowHandling.Skip, MaxReportedErrors = 1000 } : EventReaderOptions.Default;
        Assert.Equal(Outcome(bytes, options, plainLines: false), Outcome(bytes, options, plainLines: true));
        return true;
    });

    [Fact]
    public void ExportedLines_AreReadAsBefore()
    {
        // Every field kind on the plain path: strings, a number value (with exponent), other fields and the attributes object.
        string text = "{\"customer_id\":\"c1\",\"touchpoint\":\"a\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"channel\":\"web\",\"event_id\":\"e1\",\"value\":1.5e1,\"plan\":\"gold\",\"attributes\":{\"tier\":\"x\",\"empty\":\"\"}}\n" +
                      "{ \"customer_id\" : \"c1\" , \"touchpoint\" : \"b\" , \"timestamp\" : \"1767225660\" }\r\n";
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        Assert.Equal(Outcome(bytes, EventReaderOptions.Default, plainLines: false), Outcome(bytes, EventReaderOptions.Default, plainLines: true));
        EventReadResult result = Jsonl(bytes);
        Assert.Equal(["customer c1", "c1|a|" + T0.UtcTicks + "|web|e1|15|plan=gold;tier=x", "c1|b|" + T0.AddMinutes(1).UtcTicks + "||||"], Describe(result.Batch));
    }

    private static string Outcome(byte[] bytes, EventReaderOptions options, bool plainLines)
    {
        try
        {
            var builder = new EventBatchBuilder();
            EventReadSummary summary = JsonLinesEventReader.ReadInto(new MemoryStream(bytes), builder, "events.jsonl", options, plainLines);
            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture, $"rows={summary.Rows} added={summary.Added} skipped={summary.Skipped} duplicates={summary.Duplicates}\n");
            foreach (EventReadError e in summary.Errors)
            {
                text.Append(CultureInfo.InvariantCulture, $"error {e.Code} line {e.Line} column {e.Column}: {e.Message}\n");
            }

            text.AppendJoin('\n', Describe(builder.Build()));
            return text.ToString();
        }
        catch (EventFormatException e)
        {
            return $"fails {e.Code} line {e.Line} column {e.Error.Column}: {e.Message}";
        }
    }

    private static readonly string[] Keys = ["customer_id", "touchpoint", "timestamp", "channel", "event_id", "value", "plan", "attributes", "cust\\u006fmer_id", ""];

    private static readonly string[] Strings = ["\"c1\"", "\"c2\"", "\"a\"", "\"b\"", "\"\"", "\"2026-01-01T00:00:00Z\"", "\"1767225600\"", "\"nope\"", "\"x\\ny\"", "\"caf\u00e9\"", "\"\\u00e9\"", "\"web\"", "\" 2026-01-01T00:01:00Z \""];

    private static readonly string[] Others = ["12", "-0.5", "1e3", "01", "1.", "true", "null", "[1]", "{\"tier\":\"x\"}", "{\"tier\":1}", "{}", "1e400", "\"12\"", "{\"k\":\"\",\"j\":\"v\"}", "{\"\":\"v\"}"];

    /// <summary>Lines of random fields (mostly plain, some anything), whitespace, blank lines, a broken line now and then.</summary>
    private static string RandomJsonLines(Choices random)
    {
        var text = new StringBuilder();
        int lines = random.Next(0, 30);
        for (int l = 0; l < lines; l++)
        {
            int kind = random.Next(20);
            if (kind == 0)
            {
                text.Append(random.Next(3) switch { 0 => "\n", 1 => "{\"customer_id\":\"c1\"\n", _ => "[]\n" });
                continue;
            }

            string ws = random.Next(4) == 0 ? " " : string.Empty;
            var fields = new List<string>();
            bool plain = kind < 14;
            if (plain)
            {
                fields.Add($"\"customer_id\":{ws}\"c{random.Next(3)}\"");
                fields.Add($"\"touchpoint\":\"t{random.Next(3)}\"");
                fields.Add($"\"timestamp\":\"{1767225600 + random.Next(5) * 60}\"");
            }

            int extra = random.Next(0, 5);
            for (int f = 0; f < extra; f++)
            {
                string key = Keys[random.Next(Keys.Length)];
                string value = key == "value" && random.Next(2) == 0 ? Others[random.Next(3)]
                    : key == "attributes" && random.Next(2) == 0 ? Others[8]
                    : random.Next(4) == 0 ? Others[random.Next(Others.Length)] : Strings[random.Next(Strings.Length)];
                fields.Add($"\"{key}\"{ws}:{ws}{value}");
            }

            Shuffle(random, fields);
            text.Append('{').Append(ws).AppendJoin("," + ws, fields).Append(ws).Append('}');
            text.Append(random.Next(5) == 0 ? "\r\n" : "\n");
        }

        return text.ToString();
    }

    private static void Shuffle(Choices random, List<string> items)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
