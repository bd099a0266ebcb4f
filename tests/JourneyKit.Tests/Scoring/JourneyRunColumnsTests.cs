using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Scoring;

namespace JourneyKit.Tests.Scoring;

/// <summary>
/// Columnar evaluation (issue 18 item 2): <see cref="JourneyEvaluator.EvaluateInto"/> and the views of
/// <see cref="JourneyRunColumns"/> give what the object path (<see cref="JourneyEvaluator.Evaluate(EventBatch)"/>,
/// the reference) gives for every run — stage, counters, visits with personas, moments of truth, status as of random
/// instants, the score with its breakdown — and the materialised instance is the same instance.
/// </summary>
public sealed class JourneyRunColumnsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] Touchpoints = ["form", "upload", "active", "no", "ad", "call", "pay"];
    private static readonly string?[] Channels = [null, "web", "mobile", "Contact-Centre", "branch"];
    private static readonly string?[] Ages = [null, "25", "40", "61", "n/a"];
    private static readonly string?[] Segments = [null, "switcher", "premium", "basic"];
    private static readonly string?[] Orders = [null, "o1", "o2"];

    /// <summary>apply (std 2d) → verify (std 1d) → done (goal); declined (failure); ad, call and pay out of path. Three
    /// personas on two attributes; moments of truth: plain, timed (<c>within</c>), an absence, anchored at the end, and
    /// one holding an attribute constant.</summary>
    private static CompiledJourney Journey(ReentryPolicy policy) => new JourneyBuilder("columns")
        .Stage("apply", s => s.Touchpoints("form").StandardTime(TimeSpan.FromDays(2)).Next("verify", "declined"))
        .Stage("verify", s => s.Touchpoints("upload").StandardTime(TimeSpan.FromDays(1)).Next("apply", "done", "declined"))
        .Stage("done", s => s.Touchpoints("active").Goal())
        .Stage("declined", s => s.Touchpoints("no").Failure())
        .Persona(new Persona { Id = "young", Rule = new PersonaRule(new[] { new AttributeRule("age", RuleOperator.Lt, new[] { "35" }) }) })
        .Persona(new Persona { Id = "senior", Rule = new PersonaRule(new[] { new AttributeRule("age", RuleOperator.Ge, new[] { "55" }) }) })
        .Persona(new Persona { Id = "mover", Rule = new PersonaRule(new[] { new AttributeRule("segment", RuleOperator.In, new[] { "switcher", "premium" }) }) })
        .MomentOfTruth("call-after-upload", "upload .* call", MomentOfTruthOutcome.Negative, 2)
        .MomentOfTruth("quick-pay", "form .* pay within 2d", MomentOfTruthOutcome.Positive, 1.5)
        .MomentOfTruth("no-help", "upload !(call within 1d)", MomentOfTruthOutcome.Positive)
        .MomentOfTruth("ends-on-ad", "ad $", MomentOfTruthOutcome.Negative, 0.5)
        .MomentOfTruth("same-order", "form{order=$o} .* pay{order=$o}", MomentOfTruthOutcome.Positive, 3)
        .Reentry(policy, policy == ReentryPolicy.Always ? TimeSpan.FromDays(5) : TimeSpan.FromDays(1))
        .Build()
        .Compile();

    /// <summary>An event: customer, touchpoint, time (hours), channel, age, segment and order attribute indexes.</summary>
    public readonly record struct Row(int Customer, int Touchpoint, int Hours, int Channel, int Age, int Segment, int Order);

    private static Arbitrary<(Row[] Rows, int[] AfterHours)> Histories() =>
        (from rows in (from customer in Gen.Choose(0, 3)
                       from touchpoint in Gen.Choose(0, Touchpoints.Length - 1)
                       from hours in Gen.Choose(0, 24 * 40)
                       from channel in Gen.Choose(0, Channels.Length - 1)
                       from age in Gen.Frequency((4, Gen.Constant(0)), (1, Gen.Choose(1, Ages.Length - 1)))
                       from segment in Gen.Frequency((4, Gen.Constant(0)), (1, Gen.Choose(1, Segments.Length - 1)))
                       from order in Gen.Choose(0, Orders.Length - 1)
                       select new Row(customer, touchpoint, hours, channel, age, segment, order)).ArrayOf()
         from after in Gen.Choose(0, 24 * 30).ArrayOf(3)
         select (rows, after)).ToArbitrary();

    private static EventBatch Batch(Row[] rows)
    {
        var b = new EventBatchBuilder();
        foreach (Row r in rows)
        {
            var attributes = new Dictionary<string, string>();
            foreach ((string key, string? value) in new[] { ("age", Ages[r.Age]), ("segment", Segments[r.Segment]), ("order", Orders[r.Order]) })
            {
                if (value is not null)
                {
                    attributes[key] = value;
                }
            }

            b.Add(new JourneyEvent("c" + r.Customer, Touchpoints[r.Touchpoint], T0.AddHours(r.Hours), JourneyKit.Model.Channel.FromName(Channels[r.Channel]))
            {
                Attributes = attributes.Count == 0 ? null : attributes,
            });
        }

        return b.Build();
    }

    [Property(MaxTest = 300)]
    public Property EvaluateInto_EqualsEvaluate_RunByRun(ReentryPolicy policy) =>
        Prop.ForAll(Histories(), Histories(), (history, earlier) =>
        {
            var evaluator = new JourneyEvaluator(Journey(policy), new EvaluationOptions { InactivityPeriod = TimeSpan.FromDays(10) });
            var columns = new JourneyRunColumns();
            evaluator.EvaluateInto(Batch(earlier.Rows), columns); // the columns are reused: nothing of this batch may remain
            EventBatch batch = Batch(history.Rows);
            evaluator.EvaluateInto(batch, columns);
            IReadOnlyList<JourneyInstance> instances = evaluator.Evaluate(batch);
            Assert.Equal(instances.Count, columns.Count);
            long latest = batch.Count == 0 ? T0.UtcTicks : batch.LatestTimestamp!.Value.UtcTicks;
            var values = new double[ScoringModel.Default.Components.Count];
            var expectedValues = new double[values.Length];
            for (int r = 0; r < columns.Count; r++)
            {
                JourneyInstance i = instances[r];
                JourneyRun run = columns[r];
                AssertSameRun(i, run);
                foreach (int after in history.AfterHours)
                {
                    var asOf = new DateTimeOffset(latest, TimeSpan.Zero).AddHours(after);
                    Assert.Equal(evaluator.GetStatus(i, asOf), evaluator.GetStatus(run, asOf));
                    JourneyScore expected = ScoringModel.Default.Score(evaluator, i, asOf);
                    Assert.Equal(expected.Value, ScoringModel.Default.Score(evaluator, run, asOf, values), 1e-12);
                    ScoringModel.Default.ComponentValues(evaluator, i, asOf, expectedValues);
                    Assert.Equal(expectedValues, values);
                    JourneyScore scored = ScoringModel.Default.Score(evaluator, run, asOf);
                    Assert.Equal((expected.CustomerId, expected.Value), (scored.CustomerId, scored.Value));
                    Assert.Equal(expected.Breakdown, scored.Breakdown);
                    // the one-line summary: the value, and the first contribution of the largest loss with its explanation
                    Assert.Equal(scored.Value, ScoringModel.Default.Score(evaluator, run, asOf, out ScoreContribution biggestLoss));
                    Assert.Equal(expected.Breakdown.MaxBy(c => c.PointsLost), biggestLoss);
                    Assert.Equal(biggestLoss.ToString(), Formatted(biggestLoss));
                }

                Assert.Equal(i.Serialize(), columns.GetInstance(r).Serialize());
            }

            return true;
        });

    private static string Formatted(ScoreContribution c)
    {
        Span<char> tooShort = stackalloc char[c.Component.Length];
        Assert.False(c.TryFormat(tooShort, out int none));
        Assert.Equal(0, none);
        var text = new char[c.Component.Length + c.Explanation.Length + 32];
        Assert.True(c.TryFormat(text, out int n));
        return new string(text, 0, n);
    }

    private static void AssertSameRun(JourneyInstance i, JourneyRun run)
    {
        Assert.Equal((i.CustomerId, i.RunNumber, i.EventCount, i.FirstEventTicks, i.LastEventTicks, i.LastTouchpoint), (run.CustomerId, run.RunNumber, run.EventCount, run.FirstEventTicks, run.LastEventTicks, run.LastTouchpoint));
        Assert.Equal((i.FirstChannel, i.LastChannel, i.CurrentStage, i.FurthestStage, i.CurrentStageEnteredTicks), (run.FirstChannel, run.LastChannel, run.CurrentStage, run.FurthestStage, run.CurrentStageEnteredTicks));
        Assert.Equal((i.GoalReached, i.GoalReachedTicks, i.Failed, i.IsEnded, i.Persona, i.PersonaAssigned), (run.GoalReached, run.GoalReachedTicks, run.Failed, run.IsEnded, run.Persona, run.PersonaAssigned));
        Assert.Equal(
            (i.Backtracks, i.Repeats, i.ChannelSwitches, i.AssistedContacts, i.OutOfPath, i.DisallowedTransitions),
            (run.Backtracks, run.Repeats, run.ChannelSwitches, run.AssistedContacts, run.OutOfPath, run.DisallowedTransitions));
        Assert.Equal(i.Visits, Enumerable.Range(0, run.VisitCount).Select(run.GetVisit));
        Assert.Equal(i.MomentsOfTruth, Enumerable.Range(0, run.MomentOfTruthCount).Select(run.GetMomentOfTruth));
        Assert.Equal((i.BatchStart, i.BatchEnd), (run.EventStart, run.EventEnd));
    }

    [Fact]
    public void EvaluateInto_CountersPast16Bits_AreExact()
    {
        // one customer: form, then 70,000 × upload alternating web/mobile: 69,999 repeats of 'upload' and 70,000 channel
        // switches (web → mobile at the first upload, then every event) — past the columns' 16-bit cells (65,534)
        var evaluator = new JourneyEvaluator(Journey(ReentryPolicy.Never));
        var b = new EventBatchBuilder();
        b.Add(new JourneyEvent("c", "form", T0, Channel.Web));
        for (int k = 1; k <= 70_000; k++)
        {
            b.Add(new JourneyEvent("c", "upload", T0.AddSeconds(k), k % 2 == 1 ? Channel.Mobile : Channel.Web));
        }

        EventBatch batch = b.Build();
        var columns = new JourneyRunColumns();
        evaluator.EvaluateInto(batch, columns);
        JourneyRun run = columns[0];
        Assert.Equal((69_999, 70_000), (run.Repeats, run.ChannelSwitches));
        AssertSameRun(Assert.Single(evaluator.Evaluate(batch)), run);
        evaluator.EvaluateInto(Batch([new Row(0, 0, 0, 1, 0, 0, 0)]), columns); // the side table is forgotten with the batch
        Assert.Equal((0, 0), (columns[0].Repeats, columns[0].ChannelSwitches));
    }

    [Fact]
    public void SmallColumn_KeepsEveryIntExactly()
    {
        var column = new SmallColumn();
        column.Resize(8);
        int[] values = [-1, 0, 65_533, 65_534, 65_535, int.MaxValue, int.MinValue, -2];
        for (int i = 0; i < values.Length; i++)
        {
            column[i] = values[i];
        }

        Assert.Equal(values, Enumerable.Range(0, values.Length).Select(i => column[i]));
        column.Clear();
        column[4] = 7; // a slot that was in the side table, written small again
        Assert.Equal(7, column[4]);
        Assert.Equal(8, column.Length);
    }

    [Fact]
    public void EvaluateInto_HandWorkedRun()
    {
        // c: form@0h (web, age 25: young) upload@1h (mobile: a switch) call@2h (contact centre: assisted, a switch; out
        // of path; 'upload .* call' hit at 2h) form@3h (web: a repeat, a backtrack to apply, a switch).
        var evaluator = new JourneyEvaluator(Journey(ReentryPolicy.Never));
        var b = new EventBatchBuilder();
        b.Add(new JourneyEvent("c", "form", T0, Channel.Web) { Attributes = new Dictionary<string, string> { ["age"] = "25" } });
        b.Add(new JourneyEvent("c", "upload", T0.AddHours(1), Channel.Mobile));
        b.Add(new JourneyEvent("c", "call", T0.AddHours(2), Channel.ContactCentre));
        b.Add(new JourneyEvent("c", "form", T0.AddHours(3), Channel.Web));
        var columns = new JourneyRunColumns();
        evaluator.EvaluateInto(b.Build(), columns);
        JourneyRun run = Assert.Single(Enumerable.Range(0, columns.Count).Select(r => columns[r]));
        Assert.Equal((0, 1, 4, "young"), (run.CurrentStage, run.FurthestStage, run.EventCount, run.Persona));
        Assert.Equal((1, 1, 3, 1, 1), (run.Backtracks, run.Repeats, run.ChannelSwitches, run.AssistedContacts, run.OutOfPath));
        Assert.Equal([new StageVisit(0, T0.UtcTicks, T0.AddHours(1).UtcTicks) { Persona = "young" }, new StageVisit(1, T0.AddHours(1).UtcTicks, T0.AddHours(3).UtcTicks) { Persona = "young" }, new StageVisit(0, T0.AddHours(3).UtcTicks, null) { Persona = "young" }], Enumerable.Range(0, run.VisitCount).Select(run.GetVisit));
        Assert.Equal(1, run.MomentOfTruthCount);
        Assert.Equal(new MomentOfTruthHit(0, T0.AddHours(2).UtcTicks, MomentOfTruthOutcome.Negative), run.GetMomentOfTruth(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => columns[1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => evaluator.GetStatus(run, T0.AddHours(2)));
    }
}
