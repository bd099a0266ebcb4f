using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using JourneyKit.Events;
using JourneyKit.Matching.Pattern;
using JourneyKit.Model.Patterns;
using JourneyKit.Tests.Generators;

namespace JourneyKit.Tests.Matching.Pattern;

/// <summary>Time between matched items (<c>~~(…)</c>), <c>within</c> on groups, and ClickHouse's sequenceMatch patterns.</summary>
public sealed class PatternTimeTests
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private static PatternMatch Run(string pattern, params (string Touchpoint, double Hours)[] events) =>
        Run(CompiledPattern.Compile(pattern), events.Select(e => new JourneyEvent("c", e.Touchpoint, T0.AddHours(e.Hours))).ToList());

    private static PatternMatch Run(CompiledPattern compiled, List<JourneyEvent> events)
    {
        var builder = new EventBatchBuilder();
        events.ForEach(e => builder.Add(e));
        EventBatch batch = builder.Build();
        PatternMatch batchResult = batch.CustomerCount == 0 ? PatternMatch.None : compiled.Evaluate(batch)[0];
        PatternState state = compiled.CreateState();
        for (int i = 0; i < batch.Count; i++)
        {
            compiled.Advance(state, batch.GetEvent(i));
            if (i % 2 == 1)
            {
                // Resume from the serialized form half way through: same answers.
                var bytes = new byte[state.SerializedSize];
                Assert.Equal(bytes.Length, state.WriteTo(bytes));
                state = PatternState.ReadFrom(bytes);
            }
        }

        Assert.Equal(batchResult, compiled.GetResult(state));
        return batchResult;
    }

    [Fact]
    public void IssueExample_TimeBetweenMatchedSteps_IgnoresEventsBetween()
    {
        // s1 → s2 at most 1 day, s2 → s3 at least 7 days, all within 30 days, whatever lies between.
        const string p = "s1 ~~(..1d) s2 ~~(7d..) s3 within 30d";

        // s1@0h, x@20h, s2@30h: s1→s2 took 30 hours > 1 day although x→s2 took 10 hours: no match (the old
        // adjacent gap "s1 .* ~(..1d) s2" measured x→s2 and matched wrongly).
        Assert.False(Run(p, ("s1", 0), ("x", 20), ("s2", 30), ("s3", 30 + (8 * 24))).Matched);
        Assert.True(Run("s1 .* ~(..1d) s2 .* s3", ("s1", 0), ("x", 20), ("s2", 30), ("s3", 30 + (8 * 24))).Matched);

        // s2@10h, y@200h, s3@10h+9.2d=230.8h: s2→s3 is 9.2 days ≥ 7 even though y→s3 is 30.8 hours: a match.
        PatternMatch m = Run(p, ("s1", 0), ("s2", 10), ("y", 200), ("s3", 10 + (9.2 * 24)));
        Assert.Equal((true, 1, 0, 3), (m.Matched, m.Count, m.FirstStart, m.FirstEnd));

        // 6.9 days between s2 and s3: too soon.
        Assert.False(Run(p, ("s1", 0), ("s2", 10), ("s3", 10 + (6.9 * 24))).Matched);
    }

    [Fact]
    public void TimeGapInsideAWindowedGroup_TheSkippedEventsAreTheGroups()
    {
        // (a ~~(>2s) a? within 0s) a over a@0 a@0 a@1 a@3 (found by the pattern-AST property): the only way to reach a@3
        // is for the ~~ to skip a@0 and a@1 inside the group, whose events then span 1 s > 0 s: no match. The skip's own
        // loop used to leave the group's window unchecked and matched (0, 3).
        PatternMatch m = Run("(a ~~(>2s) a? within 0s) a", ("a", 0), ("a", 0), ("a", 1 / 3600.0), ("a", 3 / 3600.0));
        Assert.False(m.Matched);

        // Within 2 s the skip fits. Ending at a@3 (nothing ends earlier: a@1 is 1 s after an a@0, not > 2 s): from event 0
        // (skipping a@0 a@1, span 1 s) or from event 1 (a@0, skipping a@1; 3 s > 2 s); from event 2 (a@1) a@3 is only 2 s
        // later. The shortest, from event 1, is the first match: (1, 3).
        m = Run("(a ~~(>2s) a? within 2s) a", ("a", 0), ("a", 0), ("a", 1 / 3600.0), ("a", 3 / 3600.0));
        Assert.Equal((true, 1, 3), (m.Matched, m.FirstStart, m.FirstEnd));
    }

    [Fact]
    public void TimeGap_MinMaxAndComparisons_AreInclusiveOrStrictAsWritten()
    {
        // a@0, x@1h, b@2h: a→b is 2h.
        (string, double)[] ev = [("a", 0), ("x", 1), ("b", 2)];
        Assert.True(Run("a ~~(2h..) b", ev).Matched);    // 2h ≥ 2h
        Assert.False(Run("a ~~(>2h) b", ev).Matched);    // not strictly more
        Assert.True(Run("a ~~(>=2h) b", ev).Matched);
        Assert.True(Run("a ~~(<=2h) b", ev).Matched);
        Assert.False(Run("a ~~(<2h) b", ev).Matched);
        Assert.True(Run("a ~~(==2h) b", ev).Matched);
        Assert.False(Run("a ~~(==1h) b", ev).Matched);
        Assert.True(Run("a ~~(1h..3h) b", ev).Matched);
        Assert.False(Run("a ~~(3h..) b", ev).Matched);

        // Zero events between: the gap is measured between a and b directly.
        Assert.True(Run("a ~~(..10m) b", ("a", 0), ("b", 0.1)).Matched);
        Assert.False(Run("a ~~(10m..) b", ("a", 0), ("b", 0.1)).Matched);
    }

    [Fact]
    public void TimeGap_KeepsEveryCandidateThatMatters()
    {
        // a@0 a@1h a@5h b@6h with 1h..5h30m between a and b: the a@5h is too close (1h ≥ 1h: fine!), so pick a
        // case where only a middle one works: min 2h, max 5h30m: a@0 → 6h too far, a@5h → 1h too close, a@1h → 5h ok.
        PatternMatch m = Run("a ~~(2h..5h30m) b", ("a", 0), ("a", 1), ("a", 5), ("b", 6));
        Assert.Equal((1, 3), (m.FirstStart, m.FirstEnd));

        // Only a minimum: the earliest a is best, later ones add nothing. Only a maximum: the latest a.
        Assert.Equal(0, Run("a ~~(5h..) b", ("a", 0), ("a", 2), ("b", 6)).FirstStart);
        Assert.Equal(1, Run("a ~~(..5h) b", ("a", 0), ("a", 2), ("b", 6)).FirstStart);
    }

    [Fact]
    public void WithinOnAGroup_BoundsOnlyThatGroup()
    {
        // (a .* b within 1h) .* c: a→b within an hour, c any time later.
        const string p = "(a .* b within 1h) .* c";
        Assert.True(Run(p, ("a", 0), ("x", 0.5), ("b", 1), ("c", 50)).Matched);
        Assert.False(Run(p, ("a", 0), ("b", 1.5), ("c", 2)).Matched);

        // A later a rescues the group: a@0 a@1 b@1.5h.
        PatternMatch m = Run(p, ("a", 0), ("a", 1), ("b", 1.5), ("c", 2));
        Assert.Equal((1, 3), (m.FirstStart, m.FirstEnd));

        // Repeated groups each get their own window: (a b within 1h)+ c over a@0 b@1 a@5 b@5.5 c@6 matches; the
        // shortest match is the second a b then c (events 2..4). With b@6.5 the second pair takes 1.5h: no match (c
        // must follow the last pair directly).
        PatternMatch twice = Run("(a b within 1h)+ c", ("a", 0), ("b", 1), ("a", 5), ("b", 5.5), ("c", 6));
        Assert.Equal((2, 4), (twice.FirstStart, twice.FirstEnd));
        Assert.False(Run("(a b within 1h)+ c", ("a", 0), ("b", 1), ("a", 5), ("b", 6.5), ("c", 7)).Matched);
    }

    [Theory]
    [InlineData("~~(1h..) a", 0, PatternError.UnexpectedToken)]
    [InlineData("a ~~(1h..)", 2, PatternError.UnexpectedToken)]
    [InlineData("a ~~(1h..) ~~(2h..) b", 2, PatternError.UnexpectedToken)]
    [InlineData("a? ~~(1h..) b", 3, PatternError.UnexpectedToken)]
    [InlineData("a ~~(2h..1h) b", 3, PatternError.InvalidDuration)]
    [InlineData("a ~~(<0s) b", 3, PatternError.InvalidDuration)]
    [InlineData("a ~~(>soon) b", 6, PatternError.InvalidDuration)]
    [InlineData("(a b within soon)", 12, PatternError.InvalidDuration)]
    public void TimeGap_Errors_PointAtTheColumn(string pattern, int offset, PatternError error)
    {
        var ex = Assert.Throws<PatternSyntaxException>(() => CompiledPattern.Compile(pattern));
        Assert.Equal((error, offset), (ex.Error, ex.Offset));
    }

    [Fact]
    public void TooManyTimeConstraints_IsRefusedAtTheSeventeenth()
    {
        // 16 gaps compile; the 17th is refused where it is written.
        string sixteen = "a" + string.Concat(Enumerable.Repeat(" ~~(..1h) a", 16));
        Assert.NotNull(CompiledPattern.Compile(sixteen));
        string seventeen = sixteen + " ~~(..1h) a";
        var ex = Assert.Throws<PatternSyntaxException>(() => CompiledPattern.Compile(seventeen));
        Assert.Equal((PatternError.TooManyTimeConstraints, sixteen.Length + 1), (ex.Error, ex.Offset));
    }

    [Fact]
    public void PartialMatchCap_IsAClearError()
    {
        // a ~~(1h..2h) b keeps every a of the last two hours (each may be the one exactly in range); 5 > cap 4.
        CompiledPattern p = CompiledPattern.Compile("a ~~(1h..2h) b", new PatternOptions { MaxPartialMatches = 4 });
        var events = Enumerable.Range(0, 6).Select(i => new JourneyEvent("c", "a", T0.AddMinutes(i))).ToList();
        var ex = Assert.Throws<InvalidOperationException>(() => Run(p, events));
        Assert.Contains("MaxPartialMatches", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Durations_TooLargeSaysSo_AndBeyondTimeSpanIsUnbounded()
    {
        // 10^20 seconds is past ClickHouse's UInt64 range: "too large", not "not a duration".
        var ex = Assert.Throws<PatternSyntaxException>(() => CompiledPattern.Compile("a .* b within 100000000000000000000s"));
        Assert.Contains("too large", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<PatternSyntaxException>(() => CompiledPattern.Compile("a ~(..100000000000000000000s) b"));
        Assert.Contains("too large", ex.Message, StringComparison.Ordinal);

        // 6,048,000,000,000,000 s (ClickHouse's own "no limit" test value) is beyond TimeSpan: unbounded.
        CompiledPattern p = CompiledPattern.Compile("a .* b within 6048000000000000s");
        Assert.Equal(TimeSpan.MaxValue, p.Within);
        Assert.True(Run("a .* b within 6048000000000000s", ("a", 0), ("b", 24 * 365 * 100)).Matched);
        Assert.True(Run("a ~~(..6048000000000000s) b", ("a", 0), ("b", 24 * 365 * 100)).Matched);
    }

    /// <summary>Generated patterns with time gaps <c>~~(…)</c> and windowed groups over generated histories (ties,
    /// duplicates, events between steps): batch, parallel, streaming and streaming resumed from bytes agree with the
    /// set-based reference, which enumerates every way to match. Failures shrink.</summary>
    [Property(MaxTest = 600)]
    public Property TimedEngine_AgreesWithReference() =>
        Pair.ForAll(Patterns.Of(PatternFeatures.Timed), Histories.Of(customers: 3, touchpoints: 3, maxEvents: 24), (pattern, history) =>
            PatternAgreement.Check(pattern, history, e => e.Error is PatternError.MatchesEmpty || e.Message.Contains("may match no events", StringComparison.Ordinal)));

    // ---- ClickHouse ----

    private static readonly string[] Conditions = ["a", "b", "[a c]"];

    private static (bool Matched, int Count) ClickHouse(string pattern, params (string Touchpoint, long Seconds)[] events)
    {
        CompiledPattern p = ClickHousePattern.Compile(pattern, Conditions);
        PatternMatch m = Run(p, events.Select(e => new JourneyEvent("c", e.Touchpoint, T0.AddSeconds(e.Seconds))).ToList());
        return (m.Matched, m.Count);
    }

    [Fact]
    public void ClickHouse_DocumentationExamples()
    {
        // ClickHouse docs: sequenceMatch('(?1)(?2)')(time, number = 1, number = 2) over numbers 1, 2, 3 at times 1, 2, 3
        // is 1; with (?1)(?2) over 1, 3, 2 where 3 satisfies no condition, 3 is not there: still 1 (our 'd' is hidden).
        Assert.Equal((true, 1), ClickHouse("(?1)(?2)", ("a", 1), ("b", 2)));
        Assert.Equal((true, 1), ClickHouse("(?1)(?2)", ("a", 1), ("d", 2), ("b", 3)));

        // ... but an event satisfying another condition (c satisfies (?3)) is there and breaks adjacency.
        Assert.Equal((false, 0), ClickHouse("(?1)(?2)", ("b", 0), ("c", 1), ("b", 2)));
        Assert.Equal((true, 1), ClickHouse("(?3).(?2)", ("c", 1), ("a", 2), ("b", 3)));

        // (?1)(?t>1800)(?2): more than 1800 s apart, anything between.
        Assert.Equal((true, 1), ClickHouse("(?1)(?t>1800)(?2)", ("a", 0), ("c", 100), ("b", 1801)));
        Assert.Equal((false, 0), ClickHouse("(?1)(?t>1800)(?2)", ("a", 0), ("c", 100), ("b", 1800)));

        // sequenceCount counts non-overlapping matches: a b a b → 2 for (?1).*(?2).
        Assert.Equal((true, 2), ClickHouse("(?1).*(?2)", ("a", 0), ("b", 1), ("a", 2), ("b", 3)));
    }

    [Fact]
    public void ClickHouse_TimeAfterStar_IsMeasuredFromWhereTheStarStopped()
    {
        // (?1).*(?t>3600)(?2): the base is the event after the a (ClickHouse's .* sets it), so a@0 x@3000 b@4000 does
        // not match (4000 − 3000 ≤ 3600) although a→b is 4000 s; a@0 x@100 b@4000 does (4000 − 100 > 3600).
        Assert.Equal((false, 0), ClickHouse("(?1).*(?t>3600)(?2)", ("a", 0), ("c", 3000), ("b", 4000)));
        Assert.Equal((true, 1), ClickHouse("(?1).*(?t>3600)(?2)", ("a", 0), ("c", 100), ("b", 4000)));
        Assert.Equal(ClickHouseReference.Run("(?1).*(?t>3600)(?2)", [(0, 0b101), (3000, 0b100), (4000, 0b010)]), (false, 0));
        Assert.Equal("(a) .* . ~~(>3600s) (b)", ClickHousePattern.Translate("(?1).*(?t>3600)(?2)", ["a", "b"]));
    }

    [Fact]
    public void ClickHouse_FinalTimeConditionNeedingAnEvent_IsRefused_AndTheSuggestedFormCountsAsClickHouse()
    {
        // Found by the shrinking ClickHouse property: (?1)(?t>0) over a@0 a@0 a@1 a@2. ClickHouse checks the final
        // condition on a later event without using it up: a@0 then a@1 (1 > 0) is match 1 and the search restarts AT a@1,
        // which with a@2 is match 2 — sequenceCount 2. A pattern requiring that event inside the match ((a) ~~(>0s) .)
        // would restart after a@1 and count 1, so the final form is refused and the message says to add '.'.
        (bool, int) clickHouse = ClickHouseReference.Run("(?1)(?t>0)", [(0, 0b101), (0, 0b101), (1, 0b101), (2, 0b101)]);
        Assert.Equal((true, 2), clickHouse);
        // Also when only '.*' and time conditions follow it: (?1)(?t>=1).*(?t<1) over a@0 alone is no match in ClickHouse
        // (no event for (?t>=1)), but '(a) ~~(>=1s) .*' would match a@0 (found by the property too).
        Assert.Equal((false, 0), ClickHouseReference.Run("(?1)(?t>=1).*(?t<1)", [(0, 0b101)]));
        foreach (string final in new[] { "(?1)(?t>0)", "(?1)(?t>=5)", "(?1)(?t==3)", "(?1).*(?t>5)", "(?1)(?t>5).*", "(?1)(?t>=1).*(?t<1)" })
        {
            var ex = Assert.Throws<PatternSyntaxException>(() => ClickHousePattern.Compile(final, Conditions));
            Assert.Equal(PatternError.UnexpectedToken, ex.Error);
            Assert.Contains("add '.' after it", ex.Message, StringComparison.Ordinal);
        }

        // With '.', ClickHouse uses the event up too: a@0 a@1 is match 1, restart at a@2: no later event — count 1.
        Assert.Equal((true, 1), ClickHouseReference.Run("(?1)(?t>0).", [(0, 0b101), (0, 0b101), (1, 0b101), (2, 0b101)]));
        Assert.Equal((true, 1), ClickHouse("(?1)(?t>0).", ("a", 0), ("a", 0), ("a", 1), ("a", 2)));
        Assert.Equal("(a) ~~(>0s) .", ClickHousePattern.Translate("(?1)(?t>0).", ["a", "b"]));

        // A final (?t>=0) holds on any later event and when none is left: no constraint, so still accepted.
        Assert.Equal("(a)", ClickHousePattern.Translate("(?1)(?t>=0)", ["a", "b"]));
    }

    [Theory]
    [InlineData("(?4)", 0, PatternError.UnexpectedToken)]
    [InlineData("(?1)(?t>1)(?t<5)(?2)", 10, PatternError.UnexpectedToken)]
    [InlineData("(?1)(?t<5)", 4, PatternError.UnexpectedToken)]
    [InlineData("(?1)(?x)", 6, PatternError.UnexpectedToken)]
    [InlineData("(?1", 0, PatternError.Unclosed)]
    [InlineData(".*", 0, PatternError.MatchesEmpty)]
    public void ClickHouse_Errors(string pattern, int offset, PatternError error)
    {
        var ex = Assert.Throws<PatternSyntaxException>(() => ClickHousePattern.Compile(pattern, Conditions));
        Assert.Equal((error, offset), (ex.Error, ex.Offset));
    }

    private static string RandomClickHouse(Choices r)
    {
        var sb = new StringBuilder();
        bool lastTime = true; // the implicit leading .* may carry a time condition: start as "not after a time"
        lastTime = false;
        for (int k = 0; k < r.Next(1, 6); k++)
        {
            int kind = r.Next(lastTime ? 3 : 5);
            lastTime = false;
            switch (kind)
            {
                case 0:
                case 1:
                    sb.Append("(?").Append(r.Next(1, 4)).Append(')');
                    break;
                case 2:
                    sb.Append(r.Next(2) == 0 ? "." : ".*");
                    break;
                default:
                    sb.Append("(?t").Append(new[] { "<", "<=", ">", ">=", "==" }[r.Next(5)]).Append(r.Next(0, 4)).Append(')');
                    lastTime = true;
                    break;
            }
        }

        return sb.ToString();
    }

    /// <summary>Random ClickHouse patterns (every construct, time conditions after events, '.', '.*' and at the start)
    /// over random events (conditions overlap, hidden events, equal timestamps): sequenceMatch and sequenceCount are
    /// ClickHouse's, as its backtracking matcher computes them.</summary>
    /// <remarks>Drawn by a random program from a record of choices that shrinks (<see cref="Choices"/>).</remarks>
    [Property(MaxTest = 1000)]
    public Property ClickHouse_AgreesWithItsBacktrackingMatcher() => Prop.ForAll(Choices.Of(80), ClickHouseAgreesWithItsBacktrackingMatcher);

    private static bool ClickHouseAgreesWithItsBacktrackingMatcher(int[] choices)
    {
        var r = new Choices(choices);
        string pattern = RandomClickHouse(r);
        CompiledPattern compiled;
        try
        {
            compiled = ClickHousePattern.Compile(pattern, Conditions);
        }
        catch (PatternSyntaxException e) when (e.Detail.Contains("not supported", StringComparison.Ordinal) || e.Error == PatternError.MatchesEmpty || e.Detail.Contains("can never hold", StringComparison.Ordinal))
        {
            return true; // documented refusals (a final (?t<…), a pattern with no event)
        }

        string[] touchpoints = ["a", "b", "c", "d"];
        var events = new List<JourneyEvent>();
        long t = 0;
        for (int i = 0; i < r.Next(0, 12); i++)
        {
            t += r.Next(0, 3);
            events.Add(new JourneyEvent("c", touchpoints[r.Next(4)], T0.AddSeconds(t)) { EventId = "e" + i });
        }

        var visible = new List<(long Seconds, uint Conditions)>();
        foreach (JourneyEvent e in events)
        {
            uint conds = (e.Touchpoint == "a" ? 1u : 0) | (e.Touchpoint == "b" ? 2u : 0) | (e.Touchpoint is "a" or "c" ? 4u : 0);
            if (conds != 0)
            {
                visible.Add(((e.TimestampTicks - T0.UtcTicks) / TimeSpan.TicksPerSecond, conds));
            }
        }

        (bool matched, int count) = ClickHouseReference.Run(pattern, visible);
        PatternMatch ours = events.Count == 0 ? PatternMatch.None : Run(compiled, events);
        if (ours.Matched != matched || ours.Count != count)
        {
            throw new Xunit.Sdk.XunitException($"'{pattern}' → '{ClickHousePattern.Translate(pattern, Conditions)}': ours ({ours.Matched}, {ours.Count}) vs ClickHouse ({matched}, {count}); events {string.Join(" ", events.Select(e => e.Touchpoint + "@" + ((e.TimestampTicks - T0.UtcTicks) / TimeSpan.TicksPerSecond)))}");
        }

        return true;
    }
}
