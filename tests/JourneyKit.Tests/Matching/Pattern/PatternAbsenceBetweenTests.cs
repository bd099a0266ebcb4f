using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using JourneyKit.Events;
using JourneyKit.Matching.Pattern;
using JourneyKit.Model.Patterns;
using JourneyKit.Tests.Generators;

namespace JourneyKit.Tests.Matching.Pattern;

/// <summary>An absence followed by more items: <c>A !(C within D) B</c> (issue 16 item 4).</summary>
public sealed class PatternAbsenceBetweenTests
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private static List<JourneyEvent> Events(params (string Touchpoint, double Minutes)[] events) =>
        [.. events.Select((e, i) => new JourneyEvent("c", e.Touchpoint, T0.AddMinutes(e.Minutes)) { EventId = "e" + i })];

    /// <summary>Batch (two customers) and streaming (resumed from bytes after every event) agree.</summary>
    private static PatternMatch Run(string pattern, List<JourneyEvent> events, DateTimeOffset? asOf = null)
    {
        CompiledPattern p = CompiledPattern.Compile(pattern);
        var builder = new EventBatchBuilder();
        foreach (JourneyEvent e in events)
        {
            builder.Add(e);
            builder.Add(e with { CustomerId = "z" });
        }

        EventBatch batch = builder.Build();
        PatternMatch[] batched = asOf is { } a ? p.EvaluateAsOf(batch, a, 2) : p.Evaluate(batch, 2);
        PatternState state = p.CreateState();
        foreach (JourneyEvent e in events)
        {
            p.Advance(state, e);
            var bytes = new byte[state.SerializedSize];
            state.WriteTo(bytes);
            state = PatternState.ReadFrom(bytes);
        }

        PatternMatch streamed = asOf is { } b ? p.GetResult(state, b) : p.GetResult(state);
        if (batched.Length == 0)
        {
            Assert.Equal(PatternMatch.None, streamed);
            return streamed;
        }

        Assert.Equal(batched[0], batched[1]);
        Assert.Equal(batched[0], streamed);
        return streamed;
    }

    [Fact]
    public void NoCallWithinTenMinutes_ThenAnOrder_AfterTheWindow()
    {
        const string p = "a !(c within 10m) b";

        // a@0 b@11: the window [0, 10] has no c, b comes after it → match (0, 1).
        Assert.Equal(new PatternMatch(true, 1, 0, 1, T0.UtcTicks, T0.AddMinutes(11).UtcTicks), Run(p, Events(("a", 0), ("b", 11))));

        // b inside the window (5) is not the b after it; a c at 5 cancels; a c at exactly 10 (inclusive) cancels too.
        Assert.False(Run(p, Events(("a", 0), ("b", 5))).Matched);
        Assert.False(Run(p, Events(("a", 0), ("c", 5), ("b", 20))).Matched);
        Assert.False(Run(p, Events(("a", 0), ("c", 10), ("b", 20))).Matched);

        // Other events in the window and a c after it do not matter: a@0 x@5 c@12 b@20 → match (0, 3).
        PatternMatch m = Run(p, Events(("a", 0), ("x", 5), ("c", 12), ("b", 20)));
        Assert.Equal((true, 1, 0, 3), (m.Matched, m.Count, m.FirstStart, m.FirstEnd));

        // a@0 c@5 a@6 b@17: the first a is cancelled; the second's window is [6, 16], b@17 after it → match (2, 3).
        m = Run(p, Events(("a", 0), ("c", 5), ("a", 6), ("b", 17)));
        Assert.Equal((true, 1, 2, 3), (m.Matched, m.Count, m.FirstStart, m.FirstEnd));

        // b@5 then b@11 after a@0: the second b matches (the one in the window is skipped like any other event).
        m = Run(p, Events(("a", 0), ("b", 5), ("b", 11)));
        Assert.Equal((true, 1, 0, 2), (m.Matched, m.Count, m.FirstStart, m.FirstEnd));
    }

    [Fact]
    public void AbsenceBetween_WithAnotherAbsenceAtTheEnd_AndInAWindowedGroup()
    {
        // "a checkout, no order within 30m, a reminder, then no order within 1h": a@0 r@40 → as of 100 min the final
        // absence completed at 40 + 60 = 100 min.
        const string p = "checkout !(order within 30m) reminder !(order within 1h)";
        PatternMatch m = Run(p, Events(("checkout", 0), ("reminder", 40)), T0.AddMinutes(100));
        Assert.Equal(new PatternMatch(true, 1, 0, 1, T0.UtcTicks, T0.AddMinutes(100).UtcTicks), m);
        Assert.False(Run(p, Events(("checkout", 0), ("order", 20), ("reminder", 40)), T0.AddMinutes(100)).Matched);
        Assert.False(Run(p, Events(("checkout", 0), ("reminder", 40), ("order", 90)), T0.AddMinutes(200)).Matched);

        // Inside a group with within: (a !(c within 1m) b within 3m): b at 2 min fits, b at 4 min does not.
        Assert.True(Run("(a !(c within 1m) b within 3m)", Events(("a", 0), ("b", 2))).Matched);
        Assert.False(Run("(a !(c within 1m) b within 3m)", Events(("a", 0), ("b", 4))).Matched);
    }

    private static readonly string[] Templates =
    [
        "a !(c within 2s) b",
        "a !(b within 1s) b",
        "a+ !(c within 1s) b",
        "[a b] !(a within 1s) b .* c",
        "a .* b !(c within 1s) c",
        "(a !(b within 1s) c within 4s)",
        "a !(c within 1s) b !(c within 2s)",
        "a !(c within 1s) b ~(..1s) c",
        "(a | b c) !(c within 2s) (a | b)",
        "^ a !(c within 1s) b",
        "a !(. within 1s) b",
    ];

    private static readonly string[] Tps = ["a", "b", "c"];

    /// <summary>Random patterns with an absence between items over random streams (ties, bursts) and instants: batch and
    /// streaming agree with the brute force that enumerates every chain (the skipped events within the window checked one
    /// by one).</summary>
    /// <remarks>Knobs: the template, an outer "within 4s" (1) or none (0), and the instant (0: none, k: k − 1 seconds
    /// after the last event; only for a pattern ending in an absence); the stream: seconds since the previous event and
    /// touchpoint.</remarks>
    [Property(MaxTest = 500)]
    public Property AbsenceBetween_AgreesWithBruteForce() => Pair.ForAll(
        Small.Each((0, Templates.Length - 1), (0, 1), (0, 4)),
        Small.ArrayOf(Gen.Choose(0, 2).SelectMany(gap => Gen.Choose(0, 2), (gap, tp) => (Gap: gap, Touchpoint: tp)), 0, 11),
        (knobs, stream) =>
    {
        string text = Templates[knobs[0]] + (knobs[1] == 1 ? " within 4s" : string.Empty);
        PatternTree tree = PatternParser.Parse(text, new PatternOptions());
        var events = new List<JourneyEvent>();
        int t = 0;
        for (int i = 0; i < stream.Length; i++)
        {
            t += stream[i].Gap;
            events.Add(new JourneyEvent("c", Tps[stream[i].Touchpoint], T0.AddSeconds(t)) { EventId = "e" + i });
        }

        DateTimeOffset? asOf = tree.Absence is null || knobs[2] == 0 ? null : T0.AddSeconds(t + knobs[2] - 1);
        PatternMatch expected = BindingReference.Match(tree, events, asOf?.UtcTicks ?? long.MinValue);
        PatternMatch actual = Run(text, events, asOf);
        return actual == expected
            ? true
            : throw new Xunit.Sdk.XunitException($"'{text}' as of {asOf}: engine {actual} vs reference {expected}; events {string.Join(" ", events.Select(e => e.Touchpoint + "@" + ((e.TimestampTicks - T0.UtcTicks) / TimeSpan.TicksPerSecond)))}");
    });
}
