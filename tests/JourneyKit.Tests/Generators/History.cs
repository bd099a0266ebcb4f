using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using JourneyKit.Events;
using JourneyKit.Model;

namespace JourneyKit.Tests.Generators;

/// <summary>
/// One generated event: a customer and a touchpoint from small alphabets, the seconds since the customer's previous
/// event (0 gives a tie), a channel, a value, whether the input repeats it (same event id: a duplicate) and a key that
/// moves it in the input order (0: where it was generated). Every field shrinks towards 0 / false.
/// </summary>
public sealed record HistoryEvent(int Customer, int Touchpoint, int Gap, bool Web, int Value, bool Duplicate, int Shuffle)
{
    public override string ToString() =>
        $"u{Customer}:{(Touchpoint < History.Letters.Length ? History.Letters[Touchpoint] : "t" + Touchpoint.ToString(CultureInfo.InvariantCulture))}+{Gap}{(Web ? "w" : string.Empty)}{(Value != 0 ? "v" + Value.ToString(CultureInfo.InvariantCulture) : string.Empty)}{(Duplicate ? "d" : string.Empty)}{(Shuffle != 0 ? "~" + Shuffle.ToString(CultureInfo.InvariantCulture) : string.Empty)}";
}

/// <summary>How a <see cref="History"/> becomes events: touchpoint names by index, the time unit of a gap, the first
/// instant, optionally channels by <see cref="HistoryEvent.Value"/> (index modulo their count) instead of web/email
/// by <see cref="HistoryEvent.Web"/> (the value is then not set), and optionally the touchpoint a duplicated event's
/// copy carries (same id, other content: the first one in the input must win).</summary>
public sealed record HistoryShape(IReadOnlyList<string> Touchpoints, TimeSpan Unit, DateTimeOffset Start, IReadOnlyList<Channel>? Channels = null, string? DuplicateTouchpoint = null)
{
    /// <summary>Touchpoints <see cref="History.Letters"/>, gaps in seconds from <see cref="History.T0"/>.</summary>
    public static readonly HistoryShape Default = new(History.Letters, TimeSpan.FromSeconds(1), History.T0);
}

/// <summary>
/// A generated event history over several customers — ties, duplicated event ids and out-of-order input included — that
/// FsCheck shrinks to a small one: fewer events, then each event's fields towards customer 0, touchpoint "a", no gap,
/// channel email, value 0, no duplicate and input order as generated. Touchpoint indices name <see cref="Letters"/>.
/// </summary>
public sealed record History(HistoryEvent[] Events)
{
    /// <summary>The touchpoint alphabet: the first few are the steps/atoms of generated funnels and patterns, later ones
    /// are touchpoints no generated definition names.</summary>
    public static readonly string[] Letters = ["a", "b", "c", "d", "x", "y"];

    /// <summary>The first event's instant (every customer starts here plus its first gap).</summary>
    public static readonly DateTimeOffset T0 = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    public int Count => Events.Length;

    /// <summary>The distinct events in generation order (one per <see cref="HistoryEvent"/>, ids "c{customer}-{index}").</summary>
    public List<JourneyEvent> Distinct(HistoryShape? shape = null)
    {
        shape ??= HistoryShape.Default;
        var time = new Dictionary<int, int>();
        var result = new List<JourneyEvent>(Events.Length);
        for (int i = 0; i < Events.Length; i++)
        {
            HistoryEvent e = Events[i];
            int t = time.GetValueOrDefault(e.Customer) + e.Gap;
            time[e.Customer] = t;
            Channel channel = shape.Channels is { } channels ? channels[e.Value % channels.Count] : e.Web ? Channel.Web : Channel.Email;
            result.Add(new JourneyEvent("c" + e.Customer.ToString(CultureInfo.InvariantCulture), shape.Touchpoints[e.Touchpoint], shape.Start + (shape.Unit * t), channel)
            {
                EventId = $"c{e.Customer}-{i}",
                Value = shape.Channels is null ? e.Value : null,
            });
        }

        return result;
    }

    /// <summary>The input as a reader would see it: the distinct events plus a copy of each duplicated one, stably
    /// ordered by the shuffle keys (a copy's key is its original's plus 3, so it can land before or after it; with
    /// <see cref="HistoryShape.DuplicateTouchpoint"/> the copy has that touchpoint).</summary>
    public List<JourneyEvent> Input(HistoryShape? shape = null)
    {
        shape ??= HistoryShape.Default;
        List<JourneyEvent> distinct = Distinct(shape);
        var keyed = new List<(int Key, int Order, JourneyEvent Event)>(distinct.Count * 2);
        for (int i = 0; i < distinct.Count; i++)
        {
            keyed.Add((Events[i].Shuffle, i, distinct[i]));
            if (Events[i].Duplicate)
            {
                JourneyEvent copy = shape.DuplicateTouchpoint is { } other ? distinct[i] with { Touchpoint = other } : distinct[i];
                keyed.Add(((Events[i].Shuffle + 3) % (Histories.MaxShuffle + 1), distinct.Count + i, copy));
            }
        }

        keyed.Sort((x, y) => x.Key != y.Key ? x.Key.CompareTo(y.Key) : x.Order.CompareTo(y.Order));
        return keyed.ConvertAll(k => k.Event);
    }

    /// <summary>The batch built from <see cref="Input"/> (sorted by customer and time, de-duplicated).</summary>
    public EventBatch Batch(HistoryShape? shape = null)
    {
        var builder = new EventBatchBuilder();
        foreach (JourneyEvent e in Input(shape))
        {
            builder.Add(e);
        }

        return builder.Build();
    }

    /// <summary>One run's events of a batch, in batch order.</summary>
    public static List<JourneyEvent> EventsOf(EventBatch batch, int run)
    {
        var own = new List<JourneyEvent>();
        for (int i = batch.CustomerStarts[run]; i < batch.CustomerStarts[run + 1]; i++)
        {
            own.Add(batch.GetEvent(i));
        }

        return own;
    }

    public override string ToString() => Events.Length == 0 ? "(no events)" : string.Join(" ", Events.Select(e => e.ToString()));
}

/// <summary>FsCheck generators and shrinkers of <see cref="History"/>.</summary>
public static class Histories
{
    /// <summary>The largest shuffle key.</summary>
    public const int MaxShuffle = 7;

    /// <summary>Histories of up to <paramref name="maxEvents"/> events over <paramref name="customers"/> customers and the
    /// first <paramref name="touchpoints"/> of <see cref="History.Letters"/> (now and then a later letter, which no
    /// generated definition names); from <see cref="History.Letters"/>' length on, touchpoint indices 0 to
    /// <paramref name="touchpoints"/> − 1 for a <see cref="HistoryShape"/> of that many names.</summary>
    public static Arbitrary<History> Of(int customers = 3, int touchpoints = 4, int maxEvents = 24, int maxValue = 2) =>
        Arb.From(Generate(customers, touchpoints, maxEvents, maxValue), Shrink);

    public static Gen<History> Generate(int customers, int touchpoints, int maxEvents, int maxValue) =>
        from count in Gen.Choose(0, maxEvents)
        from events in Event(customers, touchpoints, maxValue).ArrayOf(count)
        select new History(events);

    public static Gen<HistoryEvent> Event(int customers, int touchpoints, int maxValue) =>
        from customer in Gen.Choose(0, customers - 1)
        from touchpoint in touchpoints >= History.Letters.Length
            ? Gen.Choose(0, touchpoints - 1)
            : Gen.Frequency((6, Gen.Choose(0, touchpoints - 1)), (1, Gen.Choose(touchpoints, History.Letters.Length - 1)))
        from gap in Gen.Frequency((2, Gen.Constant(0)), (3, Gen.Choose(1, 3)))
        from web in Gen.Elements(false, true)
        from value in Gen.Choose(0, maxValue)
        from duplicate in Gen.Frequency((6, Gen.Constant(false)), (1, Gen.Constant(true)))
        from shuffle in Gen.Frequency((1, Gen.Constant(0)), (2, Gen.Choose(0, MaxShuffle)))
        select new HistoryEvent(customer, touchpoint, gap, web, value, duplicate, shuffle);

    /// <summary>Smaller histories, the biggest steps first: halves, single events, all customers as one, then each
    /// event's fields one at a time.</summary>
    public static IEnumerable<History> Shrink(History h)
    {
        HistoryEvent[] e = h.Events;
        if (e.Length >= 4)
        {
            yield return new History(e[..(e.Length / 2)]);
            yield return new History(e[(e.Length / 2)..]);
        }

        for (int i = 0; i < e.Length; i++)
        {
            yield return new History([.. e[..i], .. e[(i + 1)..]]);
        }

        if (e.Any(x => x.Customer != 0))
        {
            yield return new History([.. e.Select(x => x with { Customer = 0 })]);
        }

        if (e.Any(x => x.Shuffle != 0))
        {
            yield return new History([.. e.Select(x => x with { Shuffle = 0 })]);
        }

        for (int i = 0; i < e.Length; i++)
        {
            foreach (HistoryEvent smaller in Shrink(e[i]))
            {
                HistoryEvent[] copy = [.. e];
                copy[i] = smaller;
                yield return new History(copy);
            }
        }
    }

    private static IEnumerable<HistoryEvent> Shrink(HistoryEvent x)
    {
        if (x.Duplicate)
        {
            yield return x with { Duplicate = false };
        }

        if (x.Shuffle != 0)
        {
            yield return x with { Shuffle = 0 };
        }

        if (x.Customer != 0)
        {
            yield return x with { Customer = 0 };
        }

        if (x.Touchpoint != 0)
        {
            yield return x with { Touchpoint = 0 };
            if (x.Touchpoint > 1)
            {
                yield return x with { Touchpoint = x.Touchpoint - 1 };
            }
        }

        if (x.Gap != 0)
        {
            yield return x with { Gap = 0 };
            if (x.Gap > 1)
            {
                yield return x with { Gap = x.Gap - 1 };
            }
        }

        if (x.Web)
        {
            yield return x with { Web = false };
        }

        if (x.Value != 0)
        {
            yield return x with { Value = 0 };
        }
    }
}
