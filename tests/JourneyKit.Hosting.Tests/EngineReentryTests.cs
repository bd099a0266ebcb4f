using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Orchestration;
using JourneyKit.Scoring;
using JourneyKit.Storage;
using static JourneyKit.Hosting.Tests.TestJourneys;

namespace JourneyKit.Hosting.Tests;

public sealed class EngineReentryTests
{
    [Fact]
    public async Task IngestAsync_ReentrantJourney_StoresEveryRunLikeTheBatchEvaluation()
    {
        CompiledJourney journey = new JourneyBuilder("loan")
            .Touchpoint("form.start", Channel.Web)
            .Touchpoint("first.login", Channel.Mobile)
            .Stage("apply", s => s.Touchpoints("form.start").StandardTime(TimeSpan.FromDays(2)))
            .Stage("active", s => s.Touchpoints("first.login").Goal())
            .Reentry(ReentryPolicy.AfterEnd)
            .Build()
            .Compile();
        JourneyRule hello = JourneyRule.Create("hello").WhenEntered("apply").Then("hello", Channel.Email).Build();
        var sent = new RecordingInterventionDispatcher();
        var clock = Clock();
        clock.Advance(TimeSpan.FromDays(100));
        var engine = new JourneyEngine(journey, new InMemoryJourneyStore(), sent, [hello], timeProvider: clock);

        // run 1: apply, goal; run 2 starts at the return 40 days later; then one more event of run 2 arrives late
        JourneyEvent[] events = [Event("ada", "form.start", T0), Event("ada", "first.login", T0.AddHours(1)), Event("ada", "form.start", T0.AddDays(40)), Event("ada", "form.start", T0.AddDays(40).AddHours(2))];
        await engine.IngestAsync(events[0]);
        await engine.IngestAsync(events[1]);
        await engine.IngestAsync(events[3]);
        await engine.IngestAsync(events[2]); // late: re-evaluated from the log

        var batch = new EventBatchBuilder();
        foreach (JourneyEvent e in events)
        {
            batch.Add(e);
        }

        IReadOnlyList<JourneyInstance> expected = new JourneyEvaluator(journey).Evaluate(batch.Build());
        IReadOnlyList<JourneyInstance> runs = await engine.GetRunsAsync("ada");
        Assert.Equal([1, 2], runs.Select(r => r.RunNumber));
        Assert.Equal(expected.Select(r => r.Serialize()), runs.Select(r => r.Serialize()));
        Assert.Equal(2, (await engine.GetInstanceAsync("ada"))!.RunNumber);

        // one greeting per run: entered:apply:1 for run 1, entered:apply:1#2 for run 2
        Assert.Equal(["entered:apply:1", "entered:apply:1#2"], sent.Delivered.Select(i => i.Occurrence).Order(StringComparer.Ordinal));
    }
}
