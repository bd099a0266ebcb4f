using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Scoring;
using JourneyKit.Tests.Generators;

namespace JourneyKit.Tests.Scoring;

/// <summary>
/// A compiled journey never changes after <c>Compile()</c> (issue 14): building batches against its touchpoint table
/// (as docs/events.md shows) must not change any evaluation or score, whichever batches were built before.
/// </summary>
public sealed class CompiledJourneyImmutabilityTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    /// <summary>apply (std 2d) → verify (std 1d) → done (goal); declined (failure); one moment of truth.</summary>
    private static Journey Design() => new JourneyBuilder("j")
        .Touchpoint("form", Channel.Web)
        .Touchpoint("upload", Channel.Mobile)
        .Touchpoint("branch", Channel.Branch)
        .Touchpoint("active", Channel.Mobile)
        .Touchpoint("no", Channel.Email)
        .Stage("apply", s => s.Touchpoints("form").StandardTime(TimeSpan.FromDays(2)).Next("verify", "declined"))
        .Stage("verify", s => s.Touchpoints("upload", "branch").StandardTime(TimeSpan.FromDays(1)).Next("apply", "done", "declined"))
        .Stage("done", s => s.Touchpoints("active").Goal())
        .Stage("declined", s => s.Touchpoints("no").Failure())
        .MomentOfTruth("branch-visit", "upload .* branch", MomentOfTruthOutcome.Negative, 2)
        .Build();

    /// <summary>
    /// The case of issue 14. Ann: form at 0h, then "faq.view" — a touchpoint the journey does not know — at 1h, 2h and
    /// 3h; scored as of 4h with the default model (progress 0.30, velocity 0.20, effort 0.15, moments 0.15, goal 0.20):
    /// progress 1/3 (stage 1 of the 3 non-failure stages), velocity 1 (4h in apply, standard 2d), effort 1 (no backtrack,
    /// no repeat of a journey touchpoint, no channel), moments 0.5 (none), goal 0.5 (in progress):
    /// 100 × (0.30/3 + 0.20 + 0.15 + 0.075 + 0.10) = 62.5. Before the fix, building any batch containing "faq.view"
    /// against <c>compiled.Touchpoints</c> added it to the journey's table; the same batch then counted the two later
    /// faq.views as repeats: effort 1 / (1 + 0.1 × 2) = 5/6, and 62.5 − 15 × (1 − 5/6) = 60.0.
    /// </summary>
    [Fact]
    public void Score_AfterBuildingABatchAgainstTheCompiledTable_Unchanged_Issue14()
    {
        CompiledJourney compiled = Design().Compile();
        var evaluator = new JourneyEvaluator(compiled);
        var own = new EventBatchBuilder();
        own.Add(new JourneyEvent("ann", "form", T0));
        for (int h = 1; h <= 3; h++)
        {
            own.Add(new JourneyEvent("ann", "faq.view", T0.AddHours(h)));
        }

        EventBatch ann = own.Build();
        double Score() => ScoringModel.Default.Score(evaluator, evaluator.Evaluate(ann)[0], T0.AddHours(4)).Value;
        Assert.Equal(62.5, Score(), 9);

        var other = new EventBatchBuilder(compiled.Touchpoints); // as docs/events.md suggests
        other.Add(new JourneyEvent("bob", "faq.view", T0));
        other.Add(new JourneyEvent("bob", "chat.open", T0));
        other.Build();

        Assert.Equal(62.5, Score(), 9);
        Assert.Equal(0, evaluator.Evaluate(ann)[0].Repeats);
        Assert.Equal(5, compiled.Touchpoints.Count); // the catalog, nothing else
        Assert.False(compiled.Touchpoints.TryGetId("faq.view", out _));
    }

    private static readonly string[] Known = ["form", "upload", "branch", "active", "no"];

    private static readonly string[] Unknown = ["faq.view", "chat.open", "promo", "survey"];

    private static readonly string[] ChannelNames = ["", "web", "mobile", "branch"];

    /// <summary>
    /// Results for a batch do not depend on which other batches were built against the compiled journey before: the
    /// instances (serialized) and default scores of a target batch, batch and streaming, equal those of a fresh
    /// compilation that never saw another batch — whether the target was built before the others, after them, with its
    /// own tables or against the journey's table.
    /// </summary>
    [Property(MaxTest = 150)]
    public Property Results_DoNotDependOnBatchesBuiltBefore() => Pair.ForAll(
        Small.ArrayOf(Event, 0, 39),
        Pair.Of(Small.Between(0, 24 * 20), Small.ArrayOf(Event.ArrayOf(), 1, 4)),
        (generated, rest) =>
    {
        List<JourneyEvent> target = Events(generated, "c");
        DateTimeOffset asOf = T0.AddHours((24 * 6) + rest.First); // at or after every event (6 days)

        // Reference: a compilation nothing else was ever built against.
        CompiledJourney fresh = Design().Compile();
        string expected = Describe(fresh, BuildOwn(target), target, asOf);

        // Shared: the same journey, compiled once, with other batches (mostly unknown touchpoints) built against it.
        CompiledJourney shared = Design().Compile();
        EventBatch builtFirst = Build(new EventBatchBuilder(shared.Touchpoints), target);
        string before = Describe(shared, builtFirst, target, asOf);
        for (int b = 0; b < rest.Second.Length; b++)
        {
            var other = new EventBatchBuilder(shared.Touchpoints);
            Build(other, Events(rest.Second[b], "o" + b));
        }

        Assert.Equal(expected, before);
        Assert.Equal(expected, Describe(shared, builtFirst, target, asOf));
        Assert.Equal(expected, Describe(shared, Build(new EventBatchBuilder(shared.Touchpoints), target), target, asOf));
        Assert.Equal(expected, Describe(shared, BuildOwn(target), target, asOf));
        return shared.Touchpoints.Count == Known.Length;
    });

    /// <summary>One generated event: a customer of four, a touchpoint (<see cref="Known"/> then <see cref="Unknown"/>,
    /// a third of them unknown), a channel of <see cref="ChannelNames"/> and an hour in the first six days (ties).</summary>
    private static readonly Gen<(int Customer, int Touchpoint, int Channel, int Hour)> Event =
        from customer in Gen.Choose(0, 3)
        from touchpoint in Gen.Frequency((2, Gen.Choose(0, Known.Length - 1)), (1, Gen.Choose(Known.Length, Known.Length + Unknown.Length - 1)))
        from channel in Gen.Choose(0, ChannelNames.Length - 1)
        from hour in Gen.Choose(0, (24 * 6) - 1)
        select (customer, touchpoint, channel, hour);

    /// <summary>The generated events, in generation order (random order in time).</summary>
    private static List<JourneyEvent> Events((int Customer, int Touchpoint, int Channel, int Hour)[] generated, string customerPrefix) =>
        [.. generated.Select(g => new JourneyEvent(
            customerPrefix + g.Customer,
            g.Touchpoint < Known.Length ? Known[g.Touchpoint] : Unknown[g.Touchpoint - Known.Length],
            T0.AddHours(g.Hour),
            ChannelNames[g.Channel].Length == 0 ? Channel.None : new Channel(ChannelNames[g.Channel])))];

    private static EventBatch BuildOwn(List<JourneyEvent> events) => Build(new EventBatchBuilder(), events);

    private static EventBatch Build(EventBatchBuilder builder, List<JourneyEvent> events)
    {
        events.ForEach(e => builder.Add(e));
        return builder.Build();
    }

    /// <summary>Every instance (serialized, batch and streaming) and its default score with the breakdown.</summary>
    private static string Describe(CompiledJourney compiled, EventBatch batch, List<JourneyEvent> events, DateTimeOffset asOf)
    {
        var evaluator = new JourneyEvaluator(compiled);
        var text = new System.Text.StringBuilder();
        foreach (JourneyInstance instance in evaluator.Evaluate(batch))
        {
            JourneyScore score = ScoringModel.Default.Score(evaluator, instance, asOf);
            text.Append(instance.CustomerId).Append(' ').Append(Convert.ToHexString(instance.Serialize())).Append(' ')
                .Append(score.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)).Append(' ')
                .AppendJoin(';', score.Breakdown.Select(c => c.Explanation)).Append('\n');
        }

        // Streaming: each customer's events in (timestamp, input) order, one at a time.
        foreach (IGrouping<string, JourneyEvent> customer in events.GroupBy(e => e.CustomerId).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            JourneyInstance instance = evaluator.CreateInstance(customer.Key);
            foreach (JourneyEvent e in customer.OrderBy(e => e.TimestampTicks))
            {
                evaluator.Advance(instance, e);
            }

            text.Append("stream ").Append(customer.Key).Append(' ').Append(Convert.ToHexString(instance.Serialize())).Append('\n');
        }

        return text.ToString();
    }
}
