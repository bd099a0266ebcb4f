using System.Text;
using FsCheck.Xunit;
using JourneyKit.Events;
using JourneyKit.Model;

namespace JourneyKit.Tests.Events;

/// <summary>
/// Writing events and reading them back gives the same batch as building it directly from the events, for CSV and
/// JSON Lines, whatever the ids, attributes, ties, duplicates and input order.
/// </summary>
public sealed class EventRoundTripTests
{
    private static readonly string[] Pieces =
        ["a", "B", "7", ",", "\"", " ", "\n", "\r\n", "\t", "é", "中", "😀", "ß", "'", ";", "\\", "{", "}", ":", "x y"];

    private static readonly string[] Keys = ["plan", "note, with comma", "say \"hi\"", "ключ", "attributes", "seg ment"];

    private static readonly string[] Channels = ["", "web", "Mobile", " email ", "contact-centre", "Fax"];

    [Property(MaxTest = 100)]
    public bool Csv_WriteThenRead_EqualsDirectBuild(int seed) => RoundTrip(seed, csv: true);

    [Property(MaxTest = 100)]
    public bool JsonLines_WriteThenRead_EqualsDirectBuild(int seed) => RoundTrip(seed, csv: false);

    [Fact]
    public void Csv_WriteThenRead_KnownTrickyEvents()
    {
        Assert.True(RoundTrip(12345, csv: true));
        Assert.True(RoundTrip(-1, csv: false));
    }

    private static bool RoundTrip(int seed, bool csv)
    {
        var random = new Random(seed);
        List<JourneyEvent> events = RandomEvents(random);

        var expectedBuilder = new EventBatchBuilder();
        foreach (JourneyEvent e in events)
        {
            expectedBuilder.Add(e);
        }

        EventBatch expected = expectedBuilder.Build();

        var stream = new MemoryStream();
        using (EventWriter writer = csv
                   ? new CsvEventWriter(new StreamWriter(stream, new UTF8Encoding(false), 1024, leaveOpen: true), Keys)
                   : new JsonLinesEventWriter(stream, Keys, leaveOpen: true))
        {
            foreach (JourneyEvent e in events)
            {
                writer.Write(e);
            }
        }

        stream.Position = 0;
        EventReadResult read = csv ? CsvEventReader.Read(stream, "p.csv", null) : JsonLinesEventReader.Read(stream, "p.jsonl");

        List<string> want = EventTestHelper.Describe(expected);
        List<string> got = EventTestHelper.Describe(read.Batch);
        Assert.Equal(want, got); // shows the difference when the property fails
        return read.Rows == events.Count && read.Duplicates == expectedBuilder.DuplicateCount && read.Skipped == 0;
    }

    private static List<JourneyEvent> RandomEvents(Random random)
    {
        int count = random.Next(0, 40);
        var customers = Enumerable.Range(0, 1 + random.Next(5)).Select(_ => RandomText(random)).ToArray();
        long baseTicks = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;
        var events = new List<JourneyEvent>(count);
        for (int i = 0; i < count; i++)
        {
            // Few distinct timestamps: many ties; random order: out-of-order input.
            long ticks = random.Next(4) switch
            {
                0 => baseTicks,
                1 => baseTicks + (random.Next(5) * TimeSpan.TicksPerSecond),
                2 => baseTicks + random.NextInt64(0, TimeSpan.TicksPerDay * 400),
                _ => random.NextInt64(0, DateTime.MaxValue.Ticks),
            };
            Dictionary<string, string>? attributes = null;
            if (random.Next(2) == 0)
            {
                attributes = [];
                foreach (string key in Keys)
                {
                    if (random.Next(3) == 0)
                    {
                        attributes[key] = RandomText(random);
                    }
                }
            }

            events.Add(new JourneyEvent(customers[random.Next(customers.Length)], RandomText(random), new DateTimeOffset(ticks, TimeSpan.Zero), Channel.FromName(Channels[random.Next(Channels.Length)]))
            {
                EventId = random.Next(3) == 0 ? null : "e" + random.Next(15) + (random.Next(4) == 0 ? ",\"" : string.Empty),
                Value = random.Next(3) switch
                {
                    0 => null,
                    1 => random.Next(-5, 5),
                    _ => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-300, 300)),
                },
                Attributes = attributes,
            });
        }

        return events;
    }

    /// <summary>A non-empty string of awkward pieces (never U+FFFD or a lone surrogate: those are not valid UTF-8 text).</summary>
    private static string RandomText(Random random)
    {
        var sb = new StringBuilder();
        int n = 1 + random.Next(4);
        for (int i = 0; i < n; i++)
        {
            sb.Append(Pieces[random.Next(Pieces.Length)]);
        }

        return sb.ToString();
    }
}
