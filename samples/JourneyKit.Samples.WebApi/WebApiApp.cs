using System.Text.Json;
using System.Threading.RateLimiting;
using JourneyKit.DependencyInjection;
using JourneyKit.Events;
using JourneyKit.Hosting;
using JourneyKit.Model;
using JourneyKit.Orchestration;
using JourneyKit.Prediction;
using JourneyKit.Scoring;
using JourneyKit.Storage;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Net.Http.Headers;

namespace JourneyKit.Samples.WebApi;

/// <summary>
/// The web sample: POST /events, GET /customers/{id}, DELETE /customers/{id}, GET /stats over a JourneyEngine on SQLite,
/// hardened: API-key authentication (<see cref="ApiKeyAuthenticationHandler"/>), a fixed-window rate limit per key (and a
/// small one per address without a key), <c>application/json</c> bodies only (415 otherwise, so a browser page cannot post
/// without a CORS preflight), request and field size limits (<see cref="WebApiLimits"/>), 400 — never 500 — on any
/// invalid text, ids checked for what the routes can address, stats kept incrementally (<see cref="StatsService"/>).
/// </summary>
public static class WebApiApp
{
    /// <summary>The most events one POST may carry by default (<see cref="WebApiLimits.MaxEventsPerRequest"/>).</summary>
    public const int MaxEventsPerRequest = 10_000;

    /// <summary>
    /// Builds the app. Settings: <c>JourneyKit:ApiKeys</c> (array, required: keys of at least 16 characters),
    /// <c>JourneyKit:Database</c> (SQLite file path, taken literally) or <c>JourneyKit:ConnectionString</c> (a SQLite
    /// connection string), <c>JourneyKit:Journey</c> (JSON definition), <c>JourneyKit:TickInterval</c> (timer ticks, 1 s), <c>JourneyKit:Limits</c> (<see cref="WebApiLimits"/>),
    /// <c>JourneyKit:PredictionModel</c> (a saved <see cref="RiskPredictionModel"/> of the journey, optional: then
    /// <c>GET /customers/{id}</c> returns the open run's predicted risks with their top reasons).
    /// </summary>
    /// <param name="args">Command-line arguments (e.g. <c>--urls http://127.0.0.1:5080</c>).</param>
    /// <param name="configure">Changes the builder before it is built (tests).</param>
    /// <returns>The app, not started.</returns>
    /// <exception cref="InvalidOperationException">No API key, or one shorter than 16 characters, is configured.</exception>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        string? connectionString = builder.Configuration["JourneyKit:ConnectionString"];
        string database = builder.Configuration["JourneyKit:Database"] ?? Path.Combine(builder.Environment.ContentRootPath, "journeykit-webapi.db");
        string journeyPath = builder.Configuration["JourneyKit:Journey"] ?? Path.Combine(AppContext.BaseDirectory, "data", "retail-bank-account-opening.journey.json");
        var limits = new WebApiLimits();
        builder.Configuration.GetSection("JourneyKit:Limits").Bind(limits);
        string[] keys = builder.Configuration.GetSection("JourneyKit:ApiKeys").Get<string[]>() ?? [];
        if (keys.Length == 0 || Array.Exists(keys, k => string.IsNullOrEmpty(k) || k.Length < 16))
        {
            throw new InvalidOperationException("Configure at least one API key of 16 or more characters: JourneyKit:ApiKeys:0 (e.g. --JourneyKit:ApiKeys:0=$(openssl rand -hex 24) or the environment variable JourneyKit__ApiKeys__0). Clients send it as the X-Api-Key header.");
        }

        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = limits.MaxRequestBodyBytes);
        builder.Services.AddSingleton(limits);
        builder.Services.AddSingleton(new CustomerPredictor(builder.Configuration["JourneyKit:PredictionModel"] is { Length: > 0 } modelPath ? LoadModel(modelPath) : null));
        builder.Services.AddProblemDetails();
        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, o =>
            {
                foreach (string key in keys)
                {
                    o.AddKey(key);
                }
            });
        builder.Services.AddAuthorization();
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => context.User.Identity is { IsAuthenticated: true, Name: { } name }
                ? RateLimitPartition.GetFixedWindowLimiter("key:" + name, _ => new FixedWindowRateLimiterOptions { PermitLimit = limits.RequestsPerWindow, Window = limits.RateLimitWindow, QueueLimit = 0 })
                : RateLimitPartition.GetFixedWindowLimiter("ip:" + context.Connection.RemoteIpAddress, _ => new FixedWindowRateLimiterOptions { PermitLimit = limits.AnonymousRequestsPerWindow, Window = limits.RateLimitWindow, QueueLimit = 0 }));
            o.OnRejected = (context, _) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(limits.RateLimitWindow.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return ValueTask.CompletedTask;
            };
        });
        builder.Services.AddSingleton<SampleDispatcher>();
        builder.Services.AddSingleton<StatsService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StatsService>());
        JourneyKitBuilder journeyKit = builder.Services.AddJourneyKit(o => o.InactivityPeriod = TimeSpan.FromDays(14)).AddJourney(journeyPath);
        journeyKit = connectionString is null ? journeyKit.UseSqlite(database) : journeyKit.UseSqlite(o => o.ConnectionString = connectionString);
        journeyKit
            .AddOrchestration(o => o
                .AddRule(JourneyRule.Create("nudge-before-stuck").WhenStuck(null, 0.8).Then("stage-reminder", Channel.Sms, "tpl-stage-reminder").WithPriority(1).WithCooldown(TimeSpan.FromDays(1)).Build())
                .AddRule(JourneyRule.Create("rescue-negative-moment").WhenMomentOfTruth(MomentOfTruthOutcome.Negative).Then("call-back", Channel.ContactCentre, "tpl-call-back").WithPriority(5).Build())
                .AddRule(JourneyRule.Create("welcome-active").WhenEntered("activate").Then("welcome", Channel.Email, "tpl-welcome").Build())
                .UseDispatcher(sp => sp.GetRequiredService<SampleDispatcher>()))
            .AddOrchestrationHost(new OrchestrationHostOptions { TickInterval = builder.Configuration.GetValue("JourneyKit:TickInterval", TimeSpan.FromSeconds(1)) });

        WebApplication app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.MapPost("/events", PostEventsAsync).RequireAuthorization();
        app.MapGet("/customers/{id}", GetCustomerAsync).RequireAuthorization();
        app.MapDelete("/customers/{id}", EraseCustomerAsync).RequireAuthorization();
        app.MapGet("/stats", (StatsService stats) => stats.Get()).RequireAuthorization();
        app.MapGet("/", () => Results.Text("JourneyKit web sample: POST /events, GET /customers/{id}, DELETE /customers/{id}, GET /stats (header X-Api-Key)\n"));
        return app;
    }

    /// <summary>True for <c>application/json</c>, optionally with <c>charset=utf-8</c>: the only body the sample reads.</summary>
    /// <param name="contentType">The Content-Type header.</param>
    /// <returns>Whether it is accepted.</returns>
    public static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out MediaTypeHeaderValue? type)
        && type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
        && (!type.Charset.HasValue || type.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Accepts one event object or an array of them. By default answers after the events are stored and evaluated
    /// (200); with <c>?wait=false</c> after they are queued (202; the queue applies back-pressure when full).
    /// </summary>
    private static async Task<IResult> PostEventsAsync(HttpRequest request, JourneyEngine engine, JourneyIngestionQueue queue, WebApiLimits limits, bool? wait, CancellationToken ct)
    {
        if (!IsJson(request.ContentType))
        {
            return Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Send the events as application/json.", detail: "Content-Type must be application/json (charset utf-8, if any).");
        }

        if (request.ContentLength > limits.MaxRequestBodyBytes)
        {
            return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The request body is too large.", detail: $"At most {limits.MaxRequestBodyBytes} bytes.");
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, default, ct);
        }
        catch (JsonException e)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The request body is not valid JSON.", detail: $"{e.Message} (line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1})");
        }
        catch (BadHttpRequestException e)
        {
            // the body outgrew Kestrel's MaxRequestBodySize while streaming (413), or the client broke the framing
            return Results.Problem(statusCode: e.StatusCode, title: "The request body could not be read.", detail: e.Message);
        }

        using (document)
        {
            (List<JourneyEvent> events, Dictionary<string, string[]> errors) = EventRequestParser.Parse(document.RootElement, limits);
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

    /// <summary>Erases a customer: events, state, outbox (<see cref="JourneyEngine.EraseCustomerAsync"/>), and its stats.</summary>
    private static async Task<IResult> EraseCustomerAsync(string id, JourneyEngine engine, StatsService stats, WebApiLimits limits, CancellationToken ct)
    {
        if (EventRequestParser.IdProblem(id, limits.MaxIdLength) is { } problem)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not a customer id.", detail: problem);
        }

        ErasureResult erased = await engine.EraseCustomerAsync(id, ct);
        stats.Forget(id);
        return erased.Events == 0 && erased.States == 0
            ? Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown customer.", detail: "Nothing was stored for this customer.")
            : Results.Ok(new { erasedEvents = erased.Events, erasedStates = erased.States });
    }

    private static RiskPredictionModel LoadModel(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return RiskPredictionModel.Load(stream);
    }

    private static async Task<IResult> GetCustomerAsync(string id, JourneyEngine engine, ScoringModel scoring, CustomerPredictor predictor, WebApiLimits limits, CancellationToken ct)
    {
        if (EventRequestParser.IdProblem(id, limits.MaxIdLength) is { } problem)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not a customer id.", detail: problem);
        }

        JourneyInstance? instance = await engine.GetInstanceAsync(id, ct);
        if (instance is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown customer.", detail: "No events were ingested for this customer.");
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
            pendingInterventions = pending.Select(p => new { p.Name, p.Rule, channel = p.Channel.Name, p.IdempotencyKey, p.Risk, p.RiskModel }),
            prediction = predictor.Predict(evaluator, instance, status, now),
        });
    }
}
