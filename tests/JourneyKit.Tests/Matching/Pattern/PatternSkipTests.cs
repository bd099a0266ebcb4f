using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using JourneyKit.Events;
using JourneyKit.Matching.Internal;
using JourneyKit.Matching.Pattern;
using JourneyKit.Model;
using JourneyKit.Model.Patterns;
using JourneyKit.Tests.Generators;
using Xunit;

namespace JourneyKit.Tests.Matching.Pattern;

/// <summary>
/// The batch matcher passes events that cannot change its state (a vectorised search over the touchpoint column):
/// with and without that skip, and event by event (streaming never skips), every answer must be the same.
/// </summary>
public class PatternSkipTests
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    // Eight touchpoints so that most events are inert for a pattern naming two or three of them.
    private static readonly string[] Tps = ["a", "b", "c", "d", "e", "f", "g", "h"];

    private static string Tp(Choices r) => Tps[r.Next(r.Next(2) == 0 ? 3 : Tps.Length)];

    private static string RandomPattern(Choices r, int depth, bool timed)
    {
        string Item()
        {
            string atom = (depth > 1 ? r.Next(5) : r.Next(7)) switch
            {
                0 or 1 => Tp(r),
                2 => ".",
                3 => r.Next(2) == 0 ? $"[{Tp(r)} {Tp(r)}]" : $"[^{Tp(r)}]",
                4 => Tp(r) + (r.Next(2) == 0 ? "{channel=web}" : "{value>1}"),
                5 => "(" + RandomPattern(r, depth + 1, timed) + ")",
                _ => timed ? "(" + RandomPattern(r, depth + 1, timed) + $" within {r.Next(0, 6)}s)" : "(" + RandomPattern(r, depth + 1, timed) + ")",
            };
            return atom + (r.Next(7) switch { 0 => "?", 1 or 2 => "*", 3 => "+", 4 => "{1,2}", _ => string.Empty });
        }

        var sb = new StringBuilder(Item());
        for (int k = 0; k < r.Next(1, 4); k++)
        {
            sb.Append(' ');
            switch (r.Next(8))
            {
                case 0:
                    sb.Append(".* ");
                    break;
                case 1:
                    sb.Append(r.Next(2) == 0 ? "~(..3s) " : "~(2s..) ");
                    break;
                case 2 when timed:
                    sb.Append(r.Next(3) switch { 0 => $"~~({r.Next(0, 4)}s..) ", 1 => $"~~(..{r.Next(0, 6)}s) ", _ => $"~~(=={r.Next(0, 3)}s) " });
                    break;
                default:
                    break;
            }

            sb.Append(Item());
        }

        return r.Next(6) == 0 ? sb + " | " + Item() : sb.ToString();
    }

    private static EventBatch RandomBatch(Choices r)
    {
        var builder = new EventBatchBuilder();
        for (int c = 0; c < r.Next(1, 6); c++)
        {
            int t = 0;
            for (int i = 0; i < r.Next(0, 40); i++)
            {
                t += r.Next(4) == 0 ? r.Next(3, 9) : r.Next(0, 3); // ties, and jumps past the windows
                builder.Add(new JourneyEvent("c" + c, Tp(r), T0.AddSeconds(t), r.Next(2) == 0 ? Channel.Web : Channel.Email) { Value = r.Next(3) });
            }
        }

        return builder.Build();
    }

    /// <summary>Random plain and timed patterns (gaps, <c>~~</c>, groups with <c>within</c>, <c>.*</c>, negated sets,
    /// anchors, an absence at the end) over random streams of eight touchpoints: skip, no skip, the span overloads and
    /// streaming agree, as of random instants too.</summary>
    /// <remarks>The pattern and the streams are drawn by a random program from a record of choices that shrinks
    /// (<see cref="Choices"/>): a failure is reported as a short pattern over few events.</remarks>
    [Property(MaxTest = 1500)]
    public Property Skip_EqualsNoSkip() => Prop.ForAll(Choices.Of(1500), SkipEqualsNoSkip);

    private static bool SkipEqualsNoSkip(int[] choices)
    {
        var r = new Choices(choices);
        bool timed = r.Next(2) == 0;
        string text = (r.Next(6) == 0 ? "^ " : string.Empty) + RandomPattern(r, 0, timed) + (r.Next(6) == 0 ? " $" : string.Empty)
            + (r.Next(3) == 0 ? $" within {r.Next(1, 8)}s" : string.Empty);
        if (r.Next(4) == 0)
        {
            // Short sequences that match often, with a window: later matches longer than it must not count.
            string[] shapes = ["a b", "a [b c]+ d", "a .* b", "[a b] c? a", "a (b | c)+ a", "a [^b]* b"];
            text = (r.Next(6) == 0 ? "^ " : string.Empty) + shapes[r.Next(shapes.Length)] + (r.Next(6) == 0 ? " $" : string.Empty) + $" within {r.Next(1, 8)}s";
        }
        else if (r.Next(3) == 0)
        {
            // An absence at the end, after a prefix like the absence tests' (with more touchpoints around it).
            string[] prefixes = ["a", "a .* b", "a b?", "a ~~(2s..) b", "(a b within 3s)", "a+", "[a b] ~(..1s) c", "(a .* b within 4s)", "a . b", "a [^b]* c"];
            text = prefixes[r.Next(prefixes.Length)] + $" !({Tp(r)} within {r.Next(0, 5)}s)" + (r.Next(4) == 0 ? " within 3s" : string.Empty);
        }

        CompiledPattern compiled;
        try
        {
            compiled = CompiledPattern.Compile(text);
        }
        catch (PatternSyntaxException)
        {
            return true; // matches the empty sequence, an absence after '$', …: not what is tested here
        }

        EventBatch batch = RandomBatch(r);
        DateTimeOffset? asOf = r.Next(2) == 0 ? null : T0.AddSeconds(r.Next(0, 150));
        PatternMatch[] plain = compiled.Evaluate(batch, asOf, skip: false);
        PatternMatch[] skipped = compiled.Evaluate(batch, asOf, skip: true);
        PatternMatch[] viaApi = asOf is { } a ? compiled.EvaluateAsOf(batch, a) : compiled.Evaluate(batch);
        var into = new PatternMatch[batch.CustomerCount];
        if (asOf is { } b)
        {
            compiled.EvaluateAsOfInto(batch, b, into);
        }
        else
        {
            compiled.EvaluateInto(batch, into);
        }

        for (int run = 0; run < batch.CustomerCount; run++)
        {
            PatternState state = compiled.CreateState();
            for (int i = batch.CustomerStarts[run]; i < batch.CustomerStarts[run + 1]; i++)
            {
                compiled.Advance(state, batch.GetEvent(i));
            }

            PatternMatch streamed = asOf is { } c ? compiled.GetResult(state, c) : compiled.GetResult(state);
            if (skipped[run] != plain[run] || viaApi[run] != plain[run] || into[run] != plain[run] || streamed != plain[run])
            {
                throw new Xunit.Sdk.XunitException($"pattern '{text}' as of {asOf} customer {run}: skip {skipped[run]}, no skip {plain[run]}, api {viaApi[run]}, into {into[run]}, streaming {streamed}");
            }
        }

        return true;
    }

    /// <summary>Which of 1–11 touchpoint ids move the automaton, in the shapes the skip searches for: a few moving, a
    /// few inert, a range of one kind, any mix. Shrinks to fewer ids and fewer moving ones (false first).</summary>
    private static Arbitrary<bool[]> MovingIds()
    {
        Gen<bool[]> masks = Gen.Choose(1, 11).SelectMany(ids => Gen.OneOf(
            Gen.Choose(0, 5).SelectMany(k => Gen.Choose(0, ids - 1).ArrayOf(k)).Select(on => Mask(ids, on, value: true)),
            Gen.Choose(0, 3).SelectMany(k => Gen.Choose(0, ids - 1).ArrayOf(k)).Select(off => Mask(ids, off, value: false)),
            from lo in Gen.Choose(0, ids - 1)
            from hi in Gen.Choose(lo, ids - 1)
            from inside in Gen.Elements(false, true)
            select Enumerable.Range(0, ids).Select(id => (id >= lo && id <= hi) == inside).ToArray(),
            Gen.Elements(false, true).ArrayOf(ids)));
        Func<bool[], IEnumerable<bool[]>> shrink = ArbMap.Default.ArbFor<bool[]>().Shrinker;
        return Arb.From(masks, m => shrink(m).Where(s => s.Length >= 1));
    }

    private static bool[] Mask(int ids, int[] flipped, bool value)
    {
        var mask = new bool[ids];
        Array.Fill(mask, !value);
        foreach (int id in flipped)
        {
            mask[id] = value;
        }

        return mask;
    }

    /// <summary>Every kind of search (one to five moving ids, a range of them, one to three inert ids, a range of
    /// them, the table) finds the first moving id that a plain loop finds, on a column of up to 80 events (ids taken
    /// modulo the id count, so a shrunk mask keeps the column valid).</summary>
    [Property(MaxTest = 1000)]
    public Property IdSkip_FindsTheFirstMovingId() => Pair.ForAll(
        MovingIds(),
        Small.ArrayOf(Gen.Choose(0, 10), 0, 80),
        (moving, raw) =>
        {
            int ids = moving.Length;
            int[] column = Array.ConvertAll(raw, id => id % ids);
            IdSkip skip = IdSkip.From(moving);
            int expected = Array.FindIndex(column, id => moving[id]);
            expected = expected < 0 ? column.Length : expected;
            string shown = $"moving [{string.Join(",", moving)}], column [{string.Join(",", column)}]";
            if (!skip.CanSkip)
            {
                return (Array.TrueForAll(moving, m => m) && skip.Next(column) == 0).Label("no skip: " + shown);
            }

            for (int id = 0; id < ids; id++)
            {
                if (skip.Moves(id) != moving[id])
                {
                    return false.Label($"Moves({id}): " + shown);
                }
            }

            return (skip.Next(column) == expected).Label($"Next = {skip.Next(column)}, expected {expected}: " + shown);
        });

    /// <summary>Hand-worked: later matches are counted on state masks alone, but a match longer than the window must
    /// still not count. <c>a b within 2s</c> over a@0 b@1 (1 s: match), a@10 b@13 (3 s: too long), a@20 b@22 (2 s,
    /// inclusive: match) and x events between: 2 matches, the first from event 0 to 1.</summary>
    [Fact]
    public void LaterMatchLongerThanWindow_NotCounted()
    {
        var builder = new EventBatchBuilder();
        foreach ((string tp, int s) in new[] { ("a", 0), ("b", 1), ("x", 5), ("a", 10), ("b", 13), ("x", 15), ("a", 20), ("b", 22) })
        {
            builder.Add(new JourneyEvent("c", tp, T0.AddSeconds(s)));
        }

        EventBatch batch = builder.Build();
        CompiledPattern p = CompiledPattern.Compile("a b within 2s");
        Assert.Equal(new PatternMatch(true, 2, 0, 1, T0.UtcTicks, T0.AddSeconds(1).UtcTicks), p.Evaluate(batch)[0]);
        Assert.Equal(p.Evaluate(batch, null, skip: false)[0], p.Evaluate(batch)[0]);
    }

    /// <summary>Hand-worked: in <c>a .* b</c> over a, then 1,000 events of other touchpoints, then b, the skip passes
    /// the 1,000 (the <c>.*</c> state keeps itself on them) and the match still spans events 0..1001.</summary>
    [Fact]
    public void LongInertRun_MatchSpansIt()
    {
        var builder = new EventBatchBuilder();
        builder.Add(new JourneyEvent("c", "a", T0));
        for (int i = 1; i <= 1000; i++)
        {
            builder.Add(new JourneyEvent("c", Tps[2 + (i % 6)], T0.AddSeconds(i)));
        }

        builder.Add(new JourneyEvent("c", "b", T0.AddSeconds(1001)));
        EventBatch batch = builder.Build();
        CompiledPattern p = CompiledPattern.Compile("a .* b");
        // First event index 0 (a at T0), last 1001 (b at T0 + 1001 s); one match.
        Assert.Equal(new PatternMatch(true, 1, 0, 1001, T0.UtcTicks, T0.AddSeconds(1001).UtcTicks), p.Evaluate(batch)[0]);
        // Within 1000 s: b comes 1001 s after a, so no match, with or without the skip.
        Assert.False(CompiledPattern.Compile("a .* b within 1000s").Evaluate(batch)[0].Matched);
        Assert.True(CompiledPattern.Compile("a .* b within 1001s").Evaluate(batch)[0].Matched);
    }
}
