using System.Net.Http.Json;
using System.Text.Json;
using JourneyKit.Analytics.Prediction;
using JourneyKit.Events;
using JourneyKit.Model.Json;
using JourneyKit.Prediction;
using JourneyKit.Scoring;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Time.Testing;

namespace JourneyKit.Hosting.Tests;

/// <summary>
/// GET /customers/{id} with a prediction model configured (issue 15 item 3): the open run's risks, the model's version and
/// the top reasons in plain words — the same the library gives for the same run and instant; nothing without a model.
/// </summary>
public sealed class WebApiPredictionTests
{
    private static readonly DateTimeOffset Now = new(2026, 2, 10, 12, 0, 0, TimeSpan.Zero);

    private static string Sample(string name)
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "JourneyKit.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return Path.Combine(dir!, "samples", "data", name);
    }

    private static object[] Events() =>
    [
        new { customerId = "ada", touchpoint = "application.start", timestamp = Now.AddDays(-3), eventId = "a1", channel = "web" },
        new { customerId = "ada", touchpoint = "id.upload", timestamp = Now.AddDays(-2), eventId = "a2", channel = "mobile" },
    ];

    [Fact]
    public async Task GetCustomer_WithAModel_ReturnsTheRisksAndTopReasons()
    {
        // The model: boosted trees fitted on the bundled bank sample, as of its latest event, horizon 7 days.
        CompiledJourney journey = JourneyJson.LoadFile(Sample("retail-bank-account-opening.journey.json")).Compile();
        EventBatch sample = EventFile.Read(Sample("retail-bank-account-opening.events.csv")).Batch;
        var evaluator = new JourneyEvaluator(journey);
        RiskPredictionModel model = new BoostedTreeRiskTrainer().FitModel(new RiskTrainingSet(evaluator, sample, sample.LatestTimestamp!.Value, TimeSpan.FromDays(7), seed: 1));
        string path = Path.Combine(TestTemp.Root, $"jk-model-{Guid.NewGuid():N}.bin");
        using (FileStream file = File.Create(path))
        {
            model.Save(file);
        }

        (WebApplication app, HttpClient client, string db) = await WebApiTests.StartAsync(new() { ["JourneyKit:PredictionModel"] = path }, new FakeTimeProvider(Now));
        try
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, (await client.PostAsJsonAsync("/events", Events())).StatusCode);
            using JsonDocument customer = JsonDocument.Parse(await client.GetStringAsync("/customers/ada"));
            JsonElement prediction = customer.RootElement.GetProperty("prediction");

            // What the library says for the same run (the same two events) as of the same instant.
            var b = new EventBatchBuilder();
            b.Add(new JourneyEvent("ada", "application.start", Now.AddDays(-3), Model.Channel.Web) { EventId = "a1" });
            b.Add(new JourneyEvent("ada", "id.upload", Now.AddDays(-2), Model.Channel.Mobile) { EventId = "a2" });
            JourneyInstance run = Assert.Single(evaluator.Evaluate(b.Build()));
            RunRisk risk = model.Predict(evaluator, run, Now);
            IReadOnlyList<RiskFactor> reasons = model.Explain(evaluator, run, Now, RiskTarget.NotProgressing, 3);
            Assert.Equal(model.Fingerprint, prediction.GetProperty("modelVersion").GetString());
            Assert.Equal("7d", prediction.GetProperty("horizon").GetString());
            Assert.Equal(Math.Round(risk.NotProgressing, 4), prediction.GetProperty("notProgressing").GetDouble(), 6);
            Assert.Equal(Math.Round(risk.MissingGoal, 4), prediction.GetProperty("missingGoal").GetDouble(), 6);
            Assert.NotEmpty(reasons);
            Assert.Equal(reasons.Select(r => r.Description), prediction.GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("description").GetString()));
            Assert.All(prediction.GetProperty("reasons").EnumerateArray(), r => Assert.False(string.IsNullOrWhiteSpace(r.GetProperty("description").GetString())));
        }
        finally
        {
            await WebApiTests.StopAsync(app, client, db);
            File.Delete(path);
        }
    }

    [Fact]
    public async Task GetCustomer_WithoutAModel_HasNoPrediction()
    {
        (WebApplication app, HttpClient client, string db) = await WebApiTests.StartAsync(clock: new FakeTimeProvider(Now));
        try
        {
            await client.PostAsJsonAsync("/events", Events());
            using JsonDocument customer = JsonDocument.Parse(await client.GetStringAsync("/customers/ada"));
            Assert.Equal(JsonValueKind.Null, customer.RootElement.GetProperty("prediction").ValueKind);
        }
        finally
        {
            await WebApiTests.StopAsync(app, client, db);
        }
    }
}
