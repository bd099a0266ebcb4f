using FsCheck;
using FsCheck.Fluent;
using JourneyKit.Events;
using JourneyKit.Model;

namespace JourneyKit.Tests.Generators;

/// <summary>Events whose every field is awkward for a reader and a writer, in random order: the CSV and JSON Lines round
/// trips and the sort by customer on disk (<see cref="EventFile.SortByCustomer"/>) draw from it.</summary>
internal static class AwkwardEvents
{
    private static readonly string[] Pieces =
        ["a", "B", "7", ",", "\"", " ", "\n", "\r\n", "\t", "é", "中", "😀", "ß", "'", ";", "\\", "{", "}", ":", "x y"];

    private static readonly string[] Channels = ["", "web", "Mobile", " email ", "contact-centre", "Fax"];

    /// <summary>The attribute keys the events may have (a writer needs them as columns).</summary>
    public static readonly string[] Keys = ["plan", "note, with comma", "say \"hi\"", "ключ", "attributes", "seg ment"];

    /// <summary>Up to <paramref name="maxEvents"/> events over one to <paramref name="maxCustomers"/> customers whose ids,
    /// touchpoints, event ids and attribute values are made of awkward pieces (separators, quotes, line breaks, non-ASCII, non-BMP); few distinct instants (many ties),
    /// any instant now and then, duplicates, values from tiny to huge, in random order. Shrinks to fewer events, then to
    /// plainer ones (no attributes, no value, no event id, the base instant, one-letter names).</summary>
    public static Arbitrary<List<JourneyEvent>> Of(int maxCustomers = 5, int maxEvents = 39)
    {
        long baseTicks = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks;
        Gen<string> text = Gen.Choose(1, 4).SelectMany(n => Gen.Elements(Pieces).ArrayOf(n)).Select(pieces => string.Concat(pieces));
        Gen<long> ticks = Gen.Frequency(
            (1, Gen.Constant(baseTicks)),
            (1, Gen.Choose(0, 4).Select(s => baseTicks + (s * TimeSpan.TicksPerSecond))),
            (1, from day in Gen.Choose(0, 399) from tick in Gen.Choose(0, int.MaxValue) select baseTicks + (day * TimeSpan.TicksPerDay) + (tick % TimeSpan.TicksPerDay)),
            (1, from high in Gen.Choose(0, int.MaxValue) from low in Gen.Choose(0, int.MaxValue) select (((long)high << 31) | (uint)low) % DateTime.MaxValue.Ticks));
        Gen<double?> value = Gen.Frequency(
            (1, Gen.Constant<double?>(null)),
            (1, Gen.Choose(-5, 4).Select(v => (double?)v)),
            (1, from m in Gen.Choose(0, 1_000_000) from e in Gen.Choose(-300, 299) select (double?)(((m / 1e6) - 0.5) * Math.Pow(10, e))));
        Gen<string?> eventId = Gen.Frequency(
            (1, Gen.Constant<string?>(null)),
            (2, from n in Gen.Choose(0, 14) from odd in Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true))) select (string?)("e" + n + (odd ? ",\"" : string.Empty))));
        Gen<Dictionary<string, string>?> attributes = Gen.Frequency(
            (1, Gen.Constant<Dictionary<string, string>?>(null)),
            (1, from values in text.ArrayOf(Keys.Length)
                from present in Gen.Frequency((2, Gen.Constant(false)), (1, Gen.Constant(true))).ArrayOf(Keys.Length)
                select (Dictionary<string, string>?)Enumerable.Range(0, Keys.Length).Where(k => present[k]).ToDictionary(k => Keys[k], k => values[k])));
        Gen<List<JourneyEvent>> events =
            from customers in Gen.Choose(1, maxCustomers).SelectMany(n => text.ArrayOf(n))
            from count in Gen.Choose(0, maxEvents)
            from list in (
                from customer in Gen.Elements(customers)
                from touchpoint in text
                from at in ticks
                from channel in Gen.Elements(Channels)
                from id in eventId
                from v in value
                from attrs in attributes
                select new JourneyEvent(customer, touchpoint, new DateTimeOffset(at, TimeSpan.Zero), Channel.FromName(channel)) { EventId = id, Value = v, Attributes = attrs })
                .ListOf(count)
            select list.ToList();
        return Arb.From(events, list => Shrink(list, baseTicks));
    }

    private static IEnumerable<List<JourneyEvent>> Shrink(List<JourneyEvent> events, long baseTicks)
    {
        for (int i = 0; i < events.Count; i++)
        {
            yield return [.. events[..i], .. events[(i + 1)..]];
        }

        for (int i = 0; i < events.Count; i++)
        {
            JourneyEvent e = events[i];
            JourneyEvent[] plainer =
            [
                e with { Attributes = null },
                e with { Value = null },
                e with { EventId = null },
                e with { Timestamp = new DateTimeOffset(baseTicks, TimeSpan.Zero) },
                e with { Touchpoint = "a" },
                e with { CustomerId = "a" },
            ];
            foreach (JourneyEvent p in plainer)
            {
                if (p != e)
                {
                    yield return [.. events[..i], p, .. events[(i + 1)..]];
                }
            }
        }
    }
}
