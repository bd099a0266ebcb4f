using System.Text.Json;
using JourneyKit.Events;
using JourneyKit.Hosting;
using JourneyKit.Model;
using JourneyKit.Orchestration;
using JourneyKit.Scoring;

namespace JourneyKit.Samples.WebApi;

/// <summary>The web sample: POST /events, GET /customers/{id}, GET /stats over a JourneyEngine on SQLite.</summary>
public static class WebApiApp
{
    /// <summary>The most events one POST may carry.</summary>
    public const int MaxEventsPerRequest = 10_000;

    /// <summary>Builds the app. Settings: <c>JourneyKit:Database</c> (SQLite file), <c>JourneyKit:Journey</c> (JSON definition).</summary>
    /// <param name="args">Command-line arguments (e.g. <c>--urls http://127.0.0.1:5080</c>).</param>
    /// <param name="configure">Changes the builder before it is built (tests).</param>
    /// <returns>The app, not started.</returns>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        string database = builder.Configuration["JourneyKit:Database"] ?? Path.Combine(builder.Environment.ContentRootPath, "journeykit-webapi.db");
        string journeyPath = builder.Configuration["JourneyKit:Journey"] ?? Path.Combine(AppContext.BaseDirectory, "data", "retail-bank-account-opening.journey.json");

        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton<SampleDispatcher>();
        builder.Services.AddSingleton<StatsService>();
        builder.Services.AddJourneyKit(o => o.InactivityPeriod = TimeSpan.FromDays(14))
            .AddJourney(journeyPath)
            .UseSqlite(database)
            .AddOrchestration(o => o
                .AddRule(JourneyRule.Create("nudge-before-stuck").WhenStuck(null, 0.8).Then("stage-reminder", Channel.Sms, "tpl-stage-reminder").WithPriority(1).WithCooldown(TimeSpan.FromDays(1)).Build())
                .AddRule(JourneyRule.Create("rescue-negative-moment").WhenMomentOfTruth(MomentOfTruthOutcome.Negative).Then("call-back", Channel.ContactCentre, "tpl-call-back").WithPriority(5).Build())
                .AddRule(JourneyRule.Create("welcome-active").WhenEntered("activate").Then("welcome", Channel.Email, "tpl-welcome").Build())
                .UseDispatcher(sp => sp.GetRequiredService<SampleDispatcher>()))
            .AddOrchestrationHost();

        WebApplication app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapPost("/events", PostEventsAsync);
        app.MapGet("/customers/{id}", GetCustomerAsync);
        app.MapGet("/stats", (StatsService stats, CancellationToken ct) => stats.GetAsync(ct));
        app.MapGet("/", () => Results.Text("JourneyKit web sample: POST /events, GET /customers/{id}, GET /stats\n"));
        return app;
    }

    /// <summary>
    /// Accepts one event object or an array of them. By default answers after the events are stored and evaluated
    /// (200); with <c>?wait=false</c> after they are queued (202; the queue applies back-pressure when full).
    /// </summary>
    private static async Task<IResult> PostEventsAsync(HttpRequest request, JourneyEngine engine, JourneyIngestionQueue queue, bool? wait, CancellationToken ct)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, default, ct);
        }
        catch (JsonException e)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The request body is not valid JSON.", detail: $"{e.Message} (line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1})");
        }

        using (document)
        {
            (List<JourneyEvent> events, Dictionary<string, string[]> errors) = EventRequestParser.Parse(document.RootElement, MaxEventsPerRequest);
            if (errors.Count > 0)
            {
                return Results.ValidationProblem(errors, title: "The events are invalid; nothing was stored.");
            }

            if (wait == false)
            {
                foreach (JourneyEvent e in events)
                {
                    await queue.EnqueueAsync(e, ct);
                }

                return Results.Accepted(value: new { queued = events.Count });
            }

            IngestResult result = await engine.IngestBatchAsync(events, ct);
            return Results.Ok(new
            {
                appended = result.Appended,
                duplicates = result.Duplicates,
                customers = result.Customers,
                interventionsFired = result.InterventionsFired,
                interventionsDispatched = result.InterventionsDispatched,
            });
        }
    }

    private static async Task<IResult> GetCustomerAsync(string id, JourneyEngine engine, ScoringModel scoring, CancellationToken ct)
    {
        JourneyInstance? instance = await engine.GetInstanceAsync(id, ct);
        if (instance is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown customer.", detail: $"No events were ingested for customer '{id}'.");
        }

        // As of now; an event stamped after the clock (skew) is judged as of its own time.
        DateTimeOffset now = engine.TimeProvider.GetUtcNow();
        if (now.UtcTicks < instance.LastEventTicks)
        {
            now = new DateTimeOffset(instance.LastEventTicks, TimeSpan.Zero);
        }

        JourneyEvaluator evaluator = engine.EvaluatorFor(instance); // a run pinned to an earlier version is judged with it
        JourneyStatus status = evaluator.GetStatus(instance, now);
        JourneyScore score = scoring.Score(evaluator, instance, now);
        IReadOnlyList<Intervention> pending = await engine.GetPendingInterventionsAsync(id, ct);
        Stage? stage = instance.CurrentStage >= 0 ? evaluator.Journey.Stages[instance.CurrentStage] : null;
        return Results.Ok(new
        {
            customerId = instance.CustomerId,
            journey = instance.JourneyId,
            journeyVersion = instance.JourneyVersion,
            stage = stage?.Id,
            stageName = stage?.Name,
            enteredStageAt = instance.CurrentStageEnteredTicks is { } t ? new DateTimeOffset(t, TimeSpan.Zero) : (DateTimeOffset?)null,
            timeInStage = status.TimeInStage.ToString(),
            state = JourneyKit.Analytics.CustomerList.StateName(status.State),
            overdueBy = status.OverdueBy.ToString(),
            goalReached = instance.GoalReached,
            failed = instance.Failed,
            events = instance.EventCount,
            persona = instance.Persona,
            history = instance.Visits.Select(v => new { stage = engine.Journey.Stages[v.Stage].Id, enteredAt = new DateTimeOffset(v.EnteredTicks, TimeSpan.Zero), leftAt = v.ExitedTicks is { } x ? new DateTimeOffset(x, TimeSpan.Zero) : (DateTimeOffset?)null }),
            momentsOfTruth = instance.MomentsOfTruth.Select(m => new { id = engine.Journey.Journey.MomentsOfTruth[m.Moment].Id, at = new DateTimeOffset(m.Ticks, TimeSpan.Zero), outcome = m.Outcome.ToString() }),
            score = Math.Round(score.Value, 1),
            breakdown = score.Breakdown.Select(c => new { component = c.Component, points = Math.Round(c.Points, 1), explanation = c.Explanation }),
            pendingInterventions = pending.Select(p => new { p.Name, p.Rule, channel = p.Channel.Name, p.IdempotencyKey }),
        });
    }
}
