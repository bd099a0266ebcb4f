// This file is the README's code quick start, verbatim between the markers; ReadmeTests checks the README shows it.
// README-QUICKSTART-BEGIN
using JourneyKit.Events;
using JourneyKit.Matching.WindowFunnel;
using JourneyKit.Model;
using JourneyKit.Model.Json;

public static class QuickStart
{
    public static int Run()
    {
        // 1. Model a journey in code (or load one: JourneyJson.LoadFile("samples/data/ecommerce-purchase.journey.json")).
        Journey journey = new JourneyBuilder("onboarding")
            .Touchpoint("form.start", Channel.Web)
            .Touchpoint("form.submit", Channel.Web)
            .Touchpoint("first.login", Channel.Mobile)
            .Stage("apply", s => s.Touchpoints("form.start", "form.submit").StandardTime(TimeSpan.FromDays(2)).Next("active"))
            .Stage("active", s => s.Touchpoints("first.login").Goal())
            .Build(); // throws JourneyValidationException listing every problem

        string json = JourneyJson.Save(journey); // and JourneyJson.Load(json) gives an equal journey

        // 2. Feed events: a columnar batch, sorted by (customer, time), de-duplicated by (customer, event id).
        var t0 = new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);
        var events = new EventBatchBuilder();
        events.Add(new JourneyEvent("ada", "form.start", t0, Channel.Web) { EventId = "e1" });
        events.Add(new JourneyEvent("ada", "form.submit", t0.AddMinutes(12), Channel.Web) { EventId = "e2" });
        events.Add(new JourneyEvent("ada", "form.submit", t0.AddMinutes(12), Channel.Web) { EventId = "e2" }); // duplicate: dropped
        events.Add(new JourneyEvent("bob", "form.start", t0, Channel.Mobile));
        EventBatch batch = events.Build();

        // 3. Match: how far did each customer get within a day (ClickHouse windowFunnel semantics)?
        WindowFunnel funnel = WindowFunnel.Create(["form.start", "form.submit", "first.login"], TimeSpan.FromDays(1));
        WindowFunnelResult result = funnel.Evaluate(batch);
        for (int run = 0; run < result.CustomerCount; run++)
        {
            Console.WriteLine($"{result.CustomerId(run)} reached step {result.Levels[run]} of {funnel.StepCount}");
        }

        return result.Reached[1]; // customers who submitted the form: 1
    }
}
// README-QUICKSTART-END
