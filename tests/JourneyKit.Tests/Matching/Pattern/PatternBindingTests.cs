using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using JourneyKit.Events;
using JourneyKit.Matching;
using JourneyKit.Matching.Pattern;
using JourneyKit.Model.Patterns;
using JourneyKit.Tests.Generators;

namespace JourneyKit.Tests.Matching.Pattern;

/// <summary>Holding an attribute constant in patterns: <c>{order_id=$o}</c> (issue 16 item 3).</summary>
public sealed class PatternBindingTests
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    private static JourneyEvent E(string touchpoint, double seconds, string? order = null, string customer = "c") =>
        new(customer, touchpoint, T0.AddSeconds(seconds)) { Attributes = order is null ? null : new Dictionary<string, string> { ["order_id"] = order } };

    /// <summary>Batch (several customers, so copies are reset between them) and streaming (resumed from bytes after every
    /// event) agree; returns the answer of customer "c".</summary>
    private static PatternMatch Run(string pattern, IReadOnlyList<JourneyEvent> events, DateTimeOffset? asOf = null, PatternOptions? options = null)
    {
        CompiledPattern p = CompiledPattern.Compile(pattern, options);
        var builder = new EventBatchBuilder();
        foreach (JourneyEvent e in events)
        {
            builder.Add(e);
            builder.Add(e with { CustomerId = "z", EventId = null }); // a second customer with the same events
        }

        EventBatch batch = builder.Build();
        PatternMatch[] batched = asOf is { } a ? p.EvaluateAsOf(batch, a, maxDegreeOfParallelism: 2) : p.Evaluate(batch, maxDegreeOfParallelism: 2);
        if (batched.Length > 0)
        {
            Assert.Equal(batched[0], batched[^1]);
        }

        PatternState state = p.CreateState();
        foreach (JourneyEvent e in events.OrderBy(e => e.TimestampTicks))
        {
            p.Advance(state, e);
            var bytes = new byte[state.SerializedSize];
            Assert.Equal(bytes.Length, state.WriteTo(bytes));
            state = PatternState.ReadFrom(bytes);
        }

        PatternMatch streamed = asOf is { } b ? p.GetResult(state, b) : p.GetResult(state);
        int run = Enumerable.Range(0, batch.CustomerCount).FirstOrDefault(r => batch.Customers[batch.CustomerOfRun(r)] == "c");
        PatternMatch result = events.Count == 0 ? PatternMatch.None : batched[run];
        Assert.Equal(result, streamed);
        return result;
    }

    [Fact]
    public void CartOfOneOrder_PaymentOfAnother_DoesNotMatch()
    {
        // The issue's case: cart(A)@0 checkout(A)@10 pay(B)@20. The literal pattern matches; holding order_id it does
        // not (A has no payment, B no cart). pay(A)@30 completes order A: events 0..3, 0 s to 30 s.
        const string p = "cart.add{order_id=$o} .* checkout{order_id=$o} .* pay{order_id=$o}";
        List<JourneyEvent> events = [E("cart.add", 0, "A"), E("checkout", 10, "A"), E("pay", 20, "B")];
        Assert.True(Run("cart.add .* checkout .* pay", events).Matched);
        Assert.False(Run(p, events).Matched);
        events.Add(E("pay", 30, "A"));
        Assert.Equal(new PatternMatch(true, 1, 0, 3, T0.UtcTicks, T0.AddSeconds(30).UtcTicks), Run(p, events));
    }

    [Fact]
    public void Explain_ShowsTheChainOfOneOrder_OrTheItemThatNeverCame()
    {
        // cart(A)@0 checkout(A)@10 pay(B)@20: the leading items cart, .*, checkout, .* are reached by order A's cart and
        // checkout (events 0 and 1); pay of order A (item 5) never came. Adding pay(A)@30: the chain 0 → 1 → 3, 10 s then
        // 20 s apart; the '.*' fillers are not steps.
        CompiledPattern p = CompiledPattern.Compile("cart.add{order_id=$o} .* checkout{order_id=$o} .* pay{order_id=$o}");
        List<JourneyEvent> events = [E("cart.add", 0, "A") with { EventId = "e0" }, E("checkout", 10, "A"), E("pay", 20, "B")];
        PatternExplanation no = p.Explain(events);
        Assert.False(no.Result.Matched);
        Assert.Equal((4, 5), (no.ItemsMatched, no.Items));
        Assert.Equal([0, 1], no.Chain.Select(s => s.Index));
        Assert.Equal("e0", no.Chain[0].EventId);
        Assert.Equal("no event matched item 5 ('pay{order_id=$o}') after event 1", no.StoppedBecause);

        events.Add(E("pay", 30, "A"));
        PatternExplanation yes = p.Explain(events);
        Assert.True(yes.Result.Matched);
        Assert.Null(yes.StoppedBecause);
        Assert.Equal(
            ["cart.add order_id=$o|0|0", "checkout order_id=$o|1|10", "pay order_id=$o|3|20"],
            yes.Chain.Select(s => $"{s.Item}|{s.Index}|{s.SincePrevious.TotalSeconds}"));
    }

    [Fact]
    public void InterleavedOrders_EachHeldSeparately_AndCountedNonOverlapping()
    {
        // cart(A)@0 cart(B)@1 checkout(B)@2 pay(A)@3 pay(B)@4 checkout(A)@5 pay(A)@6, pattern cart→checkout→pay of one
        // order. B: cart@1 checkout@2 pay@4 ends at event 4 (first to end). After it the search restarts at event 5:
        // A's cart (event 0) is before the restart, so checkout(A)@5 pay(A)@6 alone is no match. Count 1, first (1, 4).
        const string p = "cart.add{order_id=$o} .* checkout{order_id=$o} .* pay{order_id=$o}";
        List<JourneyEvent> events =
        [
            E("cart.add", 0, "A"), E("cart.add", 1, "B"), E("checkout", 2, "B"), E("pay", 3, "A"), E("pay", 4, "B"),
            E("checkout", 5, "A"), E("pay", 6, "A"),
        ];
        Assert.Equal(new PatternMatch(true, 1, 1, 4, T0.AddSeconds(1).UtcTicks, T0.AddSeconds(4).UtcTicks), Run(p, events));

        // With a new cart(A)@5.5 between: cart(A)@5.5 → ... no checkout after it: still 1. With checkout(A)@5.7 pay(A)@6
        // reordered: cart(A)@5.5 checkout(A)@5.7 pay(A)@6 → 2 matches.
        events.Add(E("cart.add", 5.5, "A"));
        Assert.Equal(1, Run(p, events).Count);
        events.Add(E("checkout", 5.7, "A"));
        Assert.Equal(2, Run(p, events).Count);
    }

    [Fact]
    public void EventsWithoutTheAttribute_NeverMatchAVariable_ButPassAsAnyEvent()
    {
        // a{order_id=$o} . b{order_id=$o}: the middle '.' is any event, with or without an order. a(A) x(none) b(A): match.
        // a(A) b(none): b has no order_id, so it cannot equal A.
        Assert.True(Run("a{order_id=$o} . b{order_id=$o}", [E("a", 0, "A"), E("x", 1), E("b", 2, "A")]).Matched);
        Assert.False(Run("a{order_id=$o} b{order_id=$o}", [E("a", 0, "A"), E("b", 1)]).Matched);

        // A variable used once only needs the attribute: a{order_id=$o} matches an a with any order, not one without.
        Assert.Equal(1, Run("a{order_id=$o}", [E("a", 0), E("a", 1, "Q")]).Count);
    }

    [Fact]
    public void FirstOccurrenceBinds_OnEveryPath()
    {
        // (a{k=$o} | b) .* c{k=$o}: on the b path c binds the variable itself, so b(none) c(A) matches; on the a path c must
        // repeat a's value: a(A) c(B) does not (an a at 0 with a c of another order), a(A) c(A) does.
        const string p = "(a{order_id=$o} | b) .* c{order_id=$o}";
        Assert.True(Run(p, [E("b", 0), E("c", 1, "A")]).Matched);
        Assert.False(Run(p, [E("a", 0, "A"), E("c", 1, "B")]).Matched);
        Assert.True(Run(p, [E("a", 0, "A"), E("c", 1, "A")]).Matched);

        // Repeats hold the value too: a{k=$o}+ b is a run of a's of one order, then b. a(A) a(B) b: the run a(B) b matches
        // (start 1), not a(A) a(B) b.
        PatternMatch m = Run("a{order_id=$o}+ b", [E("a", 0, "A"), E("a", 1, "B"), E("b", 2)]);
        Assert.Equal((true, 1, 1, 2), (m.Matched, m.Count, m.FirstStart, m.FirstEnd));
    }

    [Fact]
    public void AbsenceOfTheSameOrder_OnlyItsOwnPaymentCancels()
    {
        // checkout(A)@0 pay(B)@60 with "no payment of this order within 30 minutes": B's payment does not cancel A's wait;
        // as of 30 min the match completed at the deadline. pay(A)@60 (1 minute) cancels it.
        const string p = "checkout{order_id=$o} !(pay{order_id=$o} within 30m)";
        Assert.Equal(new PatternMatch(true, 1, 0, 1, T0.UtcTicks, T0.AddMinutes(30).UtcTicks), Run(p, [E("checkout", 0, "A"), E("pay", 60, "B")], T0.AddMinutes(30)));
        Assert.False(Run(p, [E("checkout", 0, "A"), E("pay", 60, "A")], T0.AddHours(1)).Matched);

        // Two orders waiting: A@0 and B@600 (10 min); pay(A)@60 cancels A only; B completes at 40 min.
        PatternMatch two = Run(p, [E("checkout", 0, "A"), E("pay", 60, "A"), E("checkout", 600, "B")], T0.AddHours(1));
        Assert.Equal(new PatternMatch(true, 1, 2, 2, T0.AddMinutes(10).UtcTicks, T0.AddMinutes(40).UtcTicks), two);

        CompiledPattern compiled = CompiledPattern.Compile(p);
        PatternState s = compiled.CreateState();
        compiled.Advance(s, E("checkout", 0, "A"));
        compiled.Advance(s, E("checkout", 600, "B"));
        Assert.Equal(T0.AddMinutes(30), compiled.NextDeadline(s));
        compiled.Advance(s, E("pay", 700, "A"));
        Assert.Equal(T0.AddMinutes(40), compiled.NextDeadline(s));
    }

    [Fact]
    public void PastTheCap_ClearErrorNamingTheCustomer_WithinLetsValuesExpire()
    {
        // Three orders carted and none paid, with at most 2 held: the third one's cart throws, naming customer and option.
        const string p = "cart.add{order_id=$o} .* pay{order_id=$o}";
        var options = new PatternOptions { MaxBoundValues = 2 };
        var builder = new EventBatchBuilder();
        foreach (JourneyEvent e in new[] { E("cart.add", 0, "A"), E("cart.add", 1, "B"), E("cart.add", 2, "C") })
        {
            builder.Add(e);
        }

        var ex = Assert.Throws<InvalidOperationException>(() => CompiledPattern.Compile(p, options).Evaluate(builder.Build()));
        Assert.Contains("Customer 'c'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MaxBoundValues", ex.Message, StringComparison.Ordinal);
        Assert.Contains("$o", ex.Message, StringComparison.Ordinal);

        // With 'within 1s' A's partial match has expired by C's cart at 2 s (2 − 0 > 1), so its copy is dropped: no error,
        // and the one pay(C)@2.5 matches C.
        PatternMatch m = Run(p + " within 1s", [E("cart.add", 0, "A"), E("cart.add", 1, "B"), E("cart.add", 2, "C"), E("pay", 2.5, "C")], options: options);
        Assert.Equal((true, 2, 3), (m.Matched, m.FirstStart, m.FirstEnd));
    }

    [Theory]
    [InlineData("a{k=$}", 4)]
    [InlineData("a{k=$1x}", 4)]
    [InlineData("a{k!=$o}", 3)]
    [InlineData("a{k=$o|x}", 4)]
    [InlineData("a{channel=$o}", 10)]
    [InlineData("a{value=$o}", 8)]
    [InlineData("a{k=$o} b{k=$p}", 12)]
    [InlineData("a !(b{k=$o} within 1m)", 8)]
    [InlineData("(a{k=$o} | b) !(c{k=$o} within 1m)", 20)]
    [InlineData("a{k=$o}? b !(c{k=$o} within 1m)", 17)]
    public void VariableErrors_AreLocated(string pattern, int offset)
    {
        var ex = Assert.Throws<PatternSyntaxException>(() => CompiledPattern.Compile(pattern));
        Assert.Equal(PatternError.InvalidVariable, ex.Error);
        Assert.Equal(offset, ex.Offset);
    }

    [Fact]
    public void QuotedDollar_IsALiteral_AndClickHouseConditionsRefuseVariables()
    {
        Assert.True(Run("a{order_id=\"$o\"}", [E("a", 0, "$o")]).Matched);
        Assert.False(Run("a{order_id=\"$o\"}", [E("a", 0, "A")]).Matched);
        var ex = Assert.Throws<PatternSyntaxException>(() => ClickHousePattern.Compile("(?1)(?2)", ["a{k=$o}", "b"]));
        Assert.Equal(PatternError.InvalidVariable, ex.Error);
    }

    private static readonly string[] Templates =
    [
        "a{k=$o} .* b{k=$o}",
        "a{k=$o} b{k=$o}",
        "a{k=$o} .* b .* c{k=$o}",
        "(a{k=$o} | b) .* c{k=$o}",
        "a{k=$o}+ b",
        "a{k=$o} ~~(2s..) b{k=$o}",
        "a{k=$o} ~~(..2s) [b c]{k=$o}",
        "(a{k=$o} .* b{k=$o} within 3s) .* c",
        "a{k=$o} .* [b c]{k=$o} .* c{k=$o}",
        "a{k=$o} .{k=$o} b{k=$o}",
        "^ a .* b{k=$o} .* c{k=$o}",
        "a{k=$o} .* b{k=$o} $",
        "a{k=$o} .* b{j=$o}",
        "a{k=$o, j=$o} .* b{k=$o}",
        "[a b]{k=$o}{2,3} c",
        "a{k=$o} ~(..1s) b{k=$o}",
        "a{k=$o} !(b{k=$o} within 2s)",
        "a{k=$o} .* b{k=$o} !(c within 1s)",
        "a{k=$o} ~~(..3s) b{k=$o} !(c{k=$o} within 2s)",
        "[a b]{k=$o} !([a b]{k=$o} within 1s)",
        "a{k=$o} !(c{k=$o} within 2s) b{k=$o}",
        "a{k=$o} !(c within 1s) .* b{k=$o} !(b{k=$o} within 1s)",
    ];

    private static readonly string[] Tps = ["a", "b", "c"];
    private static readonly string?[] Ks = ["1", "2", "3", null];

    /// <summary>Random patterns with a variable (gaps, time gaps, windows, repeats, anchors, two keys, absences) over
    /// random streams (ties, events without the attribute): batch and streaming agree with a brute force that
    /// enumerates every chain with its binding (the first variable use binds, later ones must equal it).</summary>
    /// <remarks>Knobs: the template, an outer "within 4s" (1) or none (0), and the instant (0: none, k: k − 1 seconds
    /// after the last event; only for a pattern with an absence); the stream: seconds since the previous event,
    /// touchpoint, attribute k (0: none, else <see cref="Ks"/>[value − 1]) and attribute j (0: none, else "1" or "2").</remarks>
    [Property(MaxTest = 400)]
    public Property Binding_AgreesWithBruteForce() => Pair.ForAll(
        Small.Each((0, Templates.Length - 1), (0, 1), (0, 4)),
        Small.ArrayOf(
            from gap in Gen.Choose(0, 2)
            from tp in Gen.Choose(0, 2)
            from k in Gen.Frequency((1, Gen.Constant(0)), (3, Gen.Choose(1, 3)))
            from j in Gen.Frequency((2, Gen.Constant(0)), (1, Gen.Choose(1, 2)))
            select (Gap: gap, Touchpoint: tp, K: k, J: j),
            0,
            10),
        (knobs, stream) =>
    {
        // No window after an end anchor ("$ within 4s" does not parse). The seed-driven version meant to drop it but cut
        // only "$ within", leaving "$ 4s"; its int seeds (FsCheck draws them from −size..size) never reached that case.
        string text = Templates[knobs[0]] + (knobs[1] == 1 && !Templates[knobs[0]].EndsWith('$') ? " within 4s" : string.Empty);

        PatternTree tree = PatternParser.Parse(text, new PatternOptions());
        var events = new List<JourneyEvent>();
        int t = 0;
        for (int i = 0; i < stream.Length; i++)
        {
            t += stream[i].Gap;
            var attrs = new Dictionary<string, string>();
            if (stream[i].K != 0)
            {
                attrs["k"] = Ks[stream[i].K - 1]!;
            }

            if (stream[i].J != 0)
            {
                attrs["j"] = Ks[stream[i].J - 1]!;
            }

            events.Add(new JourneyEvent("c", Tps[stream[i].Touchpoint], T0.AddSeconds(t)) { EventId = "e" + i, Attributes = attrs.Count == 0 ? null : attrs });
        }

        DateTimeOffset? asOf = tree.Absence is null || knobs[2] == 0 ? null : T0.AddSeconds(t + knobs[2] - 1);
        PatternMatch expected = BindingReference.Match(tree, events, asOf?.UtcTicks ?? long.MinValue);
        PatternMatch actual = Run(text, events, asOf);
        return actual == expected
            ? true
            : throw new Xunit.Sdk.XunitException($"'{text}' as of {asOf}: engine {actual} vs reference {expected}; events {string.Join(" ", events.Select(e => e.Touchpoint + (e.Attributes is null ? string.Empty : "{" + string.Join(",", e.Attributes.Select(kv => kv.Key + "=" + kv.Value)) + "}") + "@" + ((e.TimestampTicks - T0.UtcTicks) / TimeSpan.TicksPerSecond)))}");
    });

    // Eight touchpoints, the templates' three half of the time: most events are inert, so the batch matcher skips.
    private static readonly string[] SkipTps = ["a", "b", "c", "d", "e", "f", "g", "h"];

    /// <summary>The batch matcher's fast path for a variable (events no copy can use passed with the search of the
    /// union of the copies' active states; a copy is neither stepped nor opened for an event inert for it; the state and
    /// its copies kept between calls) gives the answers of stepping every event through every copy, of streaming, and,
    /// for short histories, of the brute force — over several customers with up to 40 events (ties, jumps past the
    /// windows, values switching, events without the attribute), as of random instants too.</summary>
    /// <remarks>Drawn by a random program from a record of choices that shrinks (<see cref="Choices"/>).</remarks>
    [Property(MaxTest = 500)]
    public Property Binding_SkipEqualsNoSkipAndBruteForce() => Prop.ForAll(Choices.Of(1500), BindingSkipEqualsNoSkipAndBruteForce);

    private static bool BindingSkipEqualsNoSkipAndBruteForce(int[] choices)
    {
        var r = new Choices(choices);
        string text = Templates[r.Next(Templates.Length)] + (r.Next(5) == 0 ? " within 4s" : string.Empty);
        text = text.Replace("$ within 4s", "$", StringComparison.Ordinal);
        PatternTree tree = PatternParser.Parse(text, new PatternOptions());
        CompiledPattern p = CompiledPattern.Compile(text);
        var builder = new EventBatchBuilder();
        var perCustomer = new List<List<JourneyEvent>>();
        int last = 0;
        for (int c = 0; c < r.Next(1, 6); c++)
        {
            var events = new List<JourneyEvent>();
            int t = 0;
            for (int i = 0; i < r.Next(0, 41); i++)
            {
                t += r.Next(4) == 0 ? r.Next(3, 9) : r.Next(0, 3);
                var attrs = new Dictionary<string, string>();
                if (Ks[r.Next(4)] is { } k)
                {
                    attrs["k"] = k;
                }

                if (r.Next(4) == 0)
                {
                    attrs["j"] = Ks[r.Next(2)]!;
                }

                string tp = r.Next(2) == 0 ? Tps[r.Next(3)] : SkipTps[r.Next(SkipTps.Length)];
                var e = new JourneyEvent("c" + c, tp, T0.AddSeconds(t)) { EventId = "e" + i, Attributes = attrs.Count == 0 ? null : attrs };
                events.Add(e);
                builder.Add(e);
            }

            perCustomer.Add(events);
            last = Math.Max(last, t);
        }

        EventBatch batch = builder.Build();
        DateTimeOffset? asOf = tree.Absence is null || r.Next(3) == 0 ? null : T0.AddSeconds(last + r.Next(-3, 4));
        PatternMatch[] plain = p.Evaluate(batch, asOf, skip: false);
        PatternMatch[] skipped = p.Evaluate(batch, asOf, skip: true);
        var into = new PatternMatch[batch.CustomerCount];
        for (int call = 0; call < 2; call++)
        {
            // The second call reuses the state and copies the first one left.
            if (asOf is { } a)
            {
                p.EvaluateAsOfInto(batch, a, into);
            }
            else
            {
                p.EvaluateInto(batch, into);
            }
        }

        for (int run = 0; run < batch.CustomerCount; run++)
        {
            List<JourneyEvent> events = perCustomer[int.Parse(batch.Customers[batch.CustomerOfRun(run)][1..], System.Globalization.CultureInfo.InvariantCulture)];
            PatternState state = p.CreateState();
            foreach (JourneyEvent e in events)
            {
                p.Advance(state, e);
            }

            PatternMatch streamed = asOf is { } b ? p.GetResult(state, b) : p.GetResult(state);
            PatternMatch? expected = events.Count <= 12 ? BindingReference.Match(tree, events, asOf?.UtcTicks ?? long.MinValue) : null;
            if (skipped[run] != plain[run] || into[run] != plain[run] || streamed != plain[run] || (expected is { } x && x != plain[run]))
            {
                throw new Xunit.Sdk.XunitException($"'{text}' as of {asOf}, customer {run}: no skip {plain[run]}, skip {skipped[run]}, into {into[run]}, streamed {streamed}, reference {expected}");
            }
        }

        return true;
    }
}

/// <summary>
/// The binding semantics from the definition, by brute force: every chain of events[i..j) through the tree, each with
/// the value its first variable use bound (null: none yet); a later use must equal it. No automaton, no copies.
/// </summary>
internal static class BindingReference
{
    private sealed record Pend(long Anchor, long Min, long Max, Pend? Next);

    private sealed record Chain(int End, Pend? Pending, string? Bound);

    /// <summary>The bindings of the chains that match events[i..j) (anchors and the whole window included).</summary>
    public static HashSet<string?> Bindings(PatternTree tree, IReadOnlyList<JourneyEvent> ev, int i, int j)
    {
        bool ok = j > i && (!tree.AnchorStart || i == 0) && (!tree.AnchorEnd || j == ev.Count)
            && (tree.Within is not { } w || w == TimeSpan.MaxValue || ev[j - 1].TimestampTicks - ev[i].TimestampTicks <= w.Ticks);
        return ok ? [.. Ends(tree.Root, new Chain(i, null, null), ev).Where(c => c.End == j).Select(c => c.Bound)] : [];
    }

    public static PatternMatch Match(PatternTree tree, IReadOnlyList<JourneyEvent> ev, long asOf)
    {
        int n = ev.Count, pos = 0, count = 0;
        PatternMatch first = PatternMatch.None;
        while (pos < n)
        {
            // The match that completes first: without an absence the earliest end, then the latest start; with one the
            // earliest deadline not cancelled for some binding, then the latest start.
            (int I, int J, long End)? best = null;
            for (int i = pos; i < n; i++)
            {
                for (int j = i + 1; j <= n; j++)
                {
                    HashSet<string?> bindings = Bindings(tree, ev, i, j);
                    if (bindings.Count == 0)
                    {
                        continue;
                    }

                    long end = ev[j - 1].TimestampTicks;
                    if (tree.Absence is { } absence)
                    {
                        end = end > long.MaxValue - absence.Ticks ? long.MaxValue : end + absence.Ticks;
                        long deadline = end;
                        bool passed = asOf >= deadline || ev.Skip(j).Any(e => e.TimestampTicks > deadline);
                        bool someBindingHolds = bindings.Any(v => !ev.Skip(j).Any(e => e.TimestampTicks <= deadline && Cancels(absence.Condition, e, v)));
                        if (!passed || !someBindingHolds)
                        {
                            continue;
                        }
                    }

                    long key = tree.Absence is null ? j : end;
                    long bestKey = best is { } bb ? (tree.Absence is null ? bb.J : bb.End) : 0;
                    if (best is null || key < bestKey || (key == bestKey && i > best.Value.I))
                    {
                        best = (i, j, end);
                    }
                }
            }

            if (best is not { } b)
            {
                break;
            }

            int last = tree.Absence is null ? b.J - 1 : ev.ToList().FindLastIndex(e => e.TimestampTicks <= b.End);
            if (count++ == 0)
            {
                first = new PatternMatch(true, 1, b.I, last, ev[b.I].TimestampTicks, tree.Absence is null ? ev[b.J - 1].TimestampTicks : b.End);
            }

            pos = last + 1;
            if (tree.AnchorEnd)
            {
                break;
            }
        }

        return first with { Count = count };
    }

    private static bool Cancels(EventCondition x, JourneyEvent e, string? bound)
    {
        if (!x.Matches(e))
        {
            return false;
        }

        foreach (AttributeCondition a in x.Attributes)
        {
            if (a.Variable is not null && (e.Attributes is null || !e.Attributes.TryGetValue(a.Key, out string? v) || v != bound))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>An event satisfies an atom given the binding so far: the new binding, or false.</summary>
    private static bool Atom(EventCondition c, JourneyEvent e, ref string? bound)
    {
        if (!c.Matches(e))
        {
            return false;
        }

        foreach (AttributeCondition a in c.Attributes)
        {
            if (a.Variable is null)
            {
                continue;
            }

            if (e.Attributes is null || !e.Attributes.TryGetValue(a.Key, out string? v))
            {
                return false;
            }

            if (bound is null)
            {
                bound = v;
            }
            else if (bound != v)
            {
                return false;
            }
        }

        return true;
    }

    private static bool Holds(Pend? p, long t)
    {
        for (; p is not null; p = p.Next)
        {
            if (t - p.Anchor < p.Min || t - p.Anchor > p.Max)
            {
                return false;
            }
        }

        return true;
    }

    private static HashSet<Chain> Ends(PatternNode node, Chain at, IReadOnlyList<JourneyEvent> ev)
    {
        int i = at.End;
        switch (node)
        {
            case AtomNode atom:
            {
                string? bound = at.Bound;
                return i < ev.Count && Holds(at.Pending, ev[i].TimestampTicks) && Atom(atom.Condition, ev[i], ref bound) ? [new Chain(i + 1, null, bound)] : [];
            }

            case AltNode alt:
                return [.. alt.Options.SelectMany(o => Ends(o, at, ev))];
            case SkipNode skip:
            {
                long anchor = ev[i - 1].TimestampTicks;
                var result = new HashSet<Chain> { new(i, new Pend(anchor, skip.Bounds.MinTicks, skip.Bounds.MaxTicks, at.Pending), at.Bound) };
                if (i < ev.Count && Holds(at.Pending, ev[i].TimestampTicks))
                {
                    for (int j = i + 1; j <= ev.Count; j++)
                    {
                        // An absence between two items: no skipped event within its window after the item before.
                        JourneyEvent skipped = ev[j - 1];
                        if (skip.Forbid is { } forbid && skipped.TimestampTicks - anchor <= skip.ForbidTicks && Cancels(forbid, skipped, at.Bound))
                        {
                            break;
                        }

                        result.Add(new Chain(j, new Pend(anchor, skip.Bounds.MinTicks, skip.Bounds.MaxTicks, null), at.Bound));
                    }
                }

                return result;
            }

            case WithinNode within:
                return [.. Ends(within.Inner, at, ev).Where(c => c.End == i || ev[c.End - 1].TimestampTicks - ev[i].TimestampTicks <= within.MaxTicks)];
            case SeqNode seq:
            {
                var positions = new HashSet<Chain> { at };
                for (int k = 0; k < seq.Items.Count; k++)
                {
                    var next = new HashSet<Chain>();
                    foreach (Chain m in positions)
                    {
                        foreach (Chain c in Ends(seq.Items[k], m, ev))
                        {
                            if (seq.Gaps[k] is { } gap && c.End > m.End && m.End > i
                                && !gap.Contains(ev[m.End].TimestampTicks - ev[m.End - 1].TimestampTicks))
                            {
                                continue;
                            }

                            next.Add(c);
                        }
                    }

                    positions = next;
                }

                return positions;
            }

            case RepeatNode repeat:
            {
                var result = new HashSet<Chain>();
                var current = new HashSet<Chain> { at };
                if (repeat.Min == 0)
                {
                    result.Add(at);
                }

                for (int c = 1; (repeat.Max == -1 || c <= repeat.Max) && current.Count > 0 && c <= ev.Count + 1; c++)
                {
                    var next = new HashSet<Chain>();
                    foreach (Chain m in current)
                    {
                        next.UnionWith(Ends(repeat.Inner, m, ev).Where(x => x.End > m.End || repeat.Max != -1));
                    }

                    if (c >= repeat.Min)
                    {
                        result.UnionWith(next);
                    }

                    current = next;
                }

                return result;
            }

            default:
                throw new InvalidOperationException(node.GetType().Name);
        }
    }
}
