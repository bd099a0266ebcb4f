using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using JourneyKit.Events;
using JourneyKit.Matching;
using JourneyKit.Matching.Pattern;
using JourneyKit.Model.Patterns;
using JourneyKit.Tests.Generators;

namespace JourneyKit.Tests.Matching.Pattern;

/// <summary>Absence at the end of a pattern (<c>!(X within D)</c>) and matches completed as of an instant.</summary>
public sealed class PatternAbsenceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private static List<JourneyEvent> Events(params (string Touchpoint, double Minutes)[] events) =>
        [.. events.Select(e => new JourneyEvent("c", e.Touchpoint, T0.AddMinutes(e.Minutes)))];

    /// <summary>Batch as of the instant, and streaming (resumed from bytes after every event) as of the same instant.</summary>
    private static PatternMatch Run(string pattern, List<JourneyEvent> events, DateTimeOffset? asOf)
    {
        CompiledPattern p = CompiledPattern.Compile(pattern);
        var builder = new EventBatchBuilder();
        events.ForEach(e => builder.Add(e));
        EventBatch batch = builder.Build();
        PatternMatch batched = batch.CustomerCount == 0 ? PatternMatch.None : (asOf is { } a ? p.EvaluateAsOf(batch, a) : p.Evaluate(batch))[0];
        PatternState state = p.CreateState();
        for (int i = 0; i < batch.Count; i++)
        {
            p.Advance(state, batch.GetEvent(i));
            var bytes = new byte[state.SerializedSize];
            state.WriteTo(bytes);
            state = PatternState.ReadFrom(bytes);
        }

        Assert.Equal(batched, asOf is { } b ? p.GetResult(state, b) : p.GetResult(state));
        return batched;
    }

    [Fact]
    public void NoCallWithinTenMinutes_CompletesAtTheDeadline()
    {
        const string p = "payment.failed !(support.call within 10m)";

        // failed@0, nothing else: as of 9 minutes it still waits; as of 10 minutes (the deadline, inclusive) it matched,
        // ending at the deadline (FirstEndTicks = 0 + 10m) with the failed payment as its last event.
        List<JourneyEvent> alone = Events(("payment.failed", 0));
        Assert.False(Run(p, alone, T0.AddMinutes(9)).Matched);
        Assert.Equal(new PatternMatch(true, 1, 0, 0, T0.UtcTicks, T0.AddMinutes(10).UtcTicks), Run(p, alone, T0.AddMinutes(10)));
        Assert.False(Run(p, alone, null).Matched); // without an instant, only a later event proves the time passed

        // A call at 10m (inside the inclusive window) cancels it; one at 10m + 1 s comes after the deadline: the match
        // completed before it (no instant needed), and the call is not part of it.
        Assert.False(Run(p, Events(("payment.failed", 0), ("support.call", 10)), T0.AddHours(1)).Matched);
        PatternMatch late = Run(p, Events(("payment.failed", 0), ("web.visit", 4), ("support.call", 10 + (1 / 60.0))), null);
        Assert.Equal((true, 1, 0, 1), (late.Matched, late.Count, late.FirstStart, late.FirstEnd));
    }

    [Fact]
    public void Absence_RestartsAfterTheDeadline_AndTheLastOfABurstCounts()
    {
        // a !(a within 5m): "an a with no other a in the next 5 minutes". a@0 a@3 a@20 a@40, as of 1 h: a@0 is cancelled
        // by a@3; a@3 completes at 8; a@20 at 25; a@40 at 45 → 3 matches, the first (1, 1) ending at 8 minutes.
        PatternMatch m = Run("a !(a within 5m)", Events(("a", 0), ("a", 3), ("a", 20), ("a", 40)), T0.AddHours(1));
        Assert.Equal(new PatternMatch(true, 3, 1, 1, T0.AddMinutes(3).UtcTicks, T0.AddMinutes(8).UtcTicks), m);
    }

    [Fact]
    public void NextDeadline_TellsWhenToLookAgain()
    {
        CompiledPattern p = CompiledPattern.Compile("cart.add ~~(..1h) checkout.start !(order.placed within 30m)");
        PatternState s = p.CreateState();
        p.Advance(s, new JourneyEvent("c", "cart.add", T0));
        Assert.Null(p.NextDeadline(s));
        p.Advance(s, new JourneyEvent("c", "checkout.start", T0.AddMinutes(20)));
        Assert.Equal(T0.AddMinutes(50), p.NextDeadline(s));

        // A timer at the deadline: matched without any new event. An order before it cancels.
        Assert.True(p.GetResult(s, T0.AddMinutes(50)).Matched);
        p.Advance(s, new JourneyEvent("c", "order.placed", T0.AddMinutes(49)));
        Assert.Null(p.NextDeadline(s));
        Assert.False(p.GetResult(s, T0.AddHours(5)).Matched);
    }

    [Theory]
    [InlineData("!(a within 1m) b", 0)]
    [InlineData("a !(b within 1m) !(c within 1m) d", 2)]
    [InlineData("a ~~(>1m) !(b within 1m) c", 10)]
    [InlineData("a? !(b within 1m) c", 3)]
    [InlineData("(a !(b within 1m)) c", 3)]
    [InlineData("a !(b) ", 5)]
    [InlineData("a !((b c) within 1m)", 4)]
    public void Absence_Errors(string pattern, int offset)
    {
        var ex = Assert.Throws<PatternSyntaxException>(() => CompiledPattern.Compile(pattern));
        Assert.Equal(offset, ex.Offset);
    }

    private static readonly string[] Tps = ["a", "b", "c"];

    /// <summary>Random prefixes (with time gaps, windows, repeats) ending in an absence, random streams with ties,
    /// as of random instants: batch and streaming agree with a brute force over every prefix match (earliest deadline
    /// first, then the latest start; restart after the deadline).</summary>
    private static readonly string[] Prefixes = ["a", "a .* b", "a b?", "a ~~(2s..) b", "(a b within 3s)", "a+", "[a b] ~(..1s) c", "(a .* b within 4s)", "a . b"];

    /// <remarks>Knobs: the prefix, the absent touchpoint, its seconds, an outer "within 3s" (1) or none (0), and the instant
    /// (0: none, k: k − 1 seconds after the last event); the stream: seconds since the previous event and touchpoint.</remarks>
    [Property(MaxTest = 500)]
    public Property Absence_AgreesWithBruteForce() => Pair.ForAll(
        Small.Each((0, Prefixes.Length - 1), (0, 2), (0, 4), (0, 1), (0, 6)),
        Small.ArrayOf(Gen.Choose(0, 2).SelectMany(gap => Gen.Choose(0, 2), (gap, tp) => (Gap: gap, Touchpoint: tp)), 0, 11),
        (knobs, stream) =>
    {
        string text = Prefixes[knobs[0]] + $" !({Tps[knobs[1]]} within {knobs[2]}s)" + (knobs[3] == 1 ? " within 3s" : string.Empty);
        PatternTree tree = PatternParser.Parse(text, new PatternOptions());
        var events = new List<JourneyEvent>();
        int t = 0;
        for (int i = 0; i < stream.Length; i++)
        {
            t += stream[i].Gap;
            events.Add(new JourneyEvent("c", Tps[stream[i].Touchpoint], T0.AddSeconds(t)) { EventId = "e" + i });
        }

        DateTimeOffset? asOf = knobs[4] == 0 ? null : T0.AddSeconds(t + knobs[4] - 1);
        PatternMatch expected = Reference(tree, events, asOf?.UtcTicks ?? long.MinValue);
        PatternMatch actual = Run(text, events, asOf);
        return actual == expected
            ? true
            : throw new Xunit.Sdk.XunitException($"'{text}' as of {asOf}: engine {actual} vs reference {expected}; events {string.Join(" ", events.Select(e => e.Touchpoint + "@" + ((e.TimestampTicks - T0.UtcTicks) / TimeSpan.TicksPerSecond)))}");
    });

    private static PatternMatch Reference(PatternTree tree, List<JourneyEvent> ev, long asOf)
    {
        AbsenceNode absence = tree.Absence!;
        int n = ev.Count;
        int pos = 0, count = 0;
        PatternMatch first = PatternMatch.None;
        while (true)
        {
            (int I, int J, long Deadline)? best = null;
            for (int i = pos; i < n; i++)
            {
                for (int j = i + 1; j <= n; j++)
                {
                    if (!PatternReference.IsMatch(tree, ev, i, j))
                    {
                        continue;
                    }

                    long deadline = ev[j - 1].TimestampTicks + absence.Ticks;
                    bool cancelled = ev.Skip(j).Any(e => e.TimestampTicks <= deadline && absence.Condition.Matches(e));
                    bool passed = asOf >= deadline || ev.Skip(j).Any(e => e.TimestampTicks > deadline);
                    if (!cancelled && passed && (best is null || deadline < best.Value.Deadline || (deadline == best.Value.Deadline && i > best.Value.I)))
                    {
                        best = (i, j, deadline);
                    }
                }
            }

            if (best is not { } b)
            {
                return count == 0 ? PatternMatch.None : first with { Count = count };
            }

            int last = ev.FindLastIndex(e => e.TimestampTicks <= b.Deadline);
            if (count++ == 0)
            {
                first = new PatternMatch(true, 1, b.I, last, ev[b.I].TimestampTicks, b.Deadline);
            }

            pos = last + 1;
        }
    }
}
