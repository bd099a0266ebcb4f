using JourneyKit;
using JourneyKit.Analytics;
using JourneyKit.DependencyInjection;
using JourneyKit.Events;
using JourneyKit.Reporting;
using JourneyKit.Scoring;
using JourneyKit.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

// A generic host with JourneyKit on SQLite: load the bundled sample events into the store, read them back, score,
// analyse and write the HTML journey report.
string root = args.Length > 0 ? args[0] : FindRoot();
string dataDir = Path.Combine(root, "samples", "data");
HostApplicationBuilder builder = Host.CreateApplicationBuilder();
builder.Services.AddJourneyKit(o => o.InactivityPeriod = TimeSpan.FromDays(14))
    .AddJourney(Path.Combine(dataDir, "retail-bank-account-opening.journey.json"))
    .UseSqlite(Path.Combine(Path.GetTempPath(), "journeykit-sample.db"));

// Telemetry: JourneyKit's meter (JourneyKitDiagnostics.MeterName, version MeterVersion) and activity source, exported with
// OpenTelemetry. Here the console exporter prints the store's instruments (journeykit.store.operations and
// journeykit.store.operation.duration, tagged journeykit.store=sqlite and journeykit.store.operation) when the host
// stops; an engine adds journeykit.events.ingested, journeykit.interventions.* (tagged with the journey id, a dropped
// intervention with its rule and reason). In production use .AddOtlpExporter() (OpenTelemetry.Exporter.OpenTelemetryProtocol).
builder.Services.AddOpenTelemetry()
    .WithMetrics(metrics => metrics.AddMeter(JourneyKitDiagnostics.MeterName).AddConsoleExporter())
    .WithTracing(tracing => tracing.AddSource(JourneyKitDiagnostics.ActivitySourceName).AddConsoleExporter());
using IHost host = builder.Build();
await host.StartAsync();

JourneyStore store = host.Services.GetRequiredService<JourneyStore>();
CompiledJourney journey = host.Services.GetRequiredService<JourneyCatalog>().Get("retail-bank-account-opening");
ScoringModel scoring = host.Services.GetRequiredService<ScoringModel>();

EventReadResult read = EventFile.Read(Path.Combine(dataDir, "retail-bank-account-opening.events.csv"));
var events = new List<JourneyEvent>(read.Batch.Count);
for (int i = 0; i < read.Batch.Count; i++)
{
    events.Add(read.Batch.GetEvent(i));
}

AppendResult appended = await store.Events.AppendAsync(events);
Console.WriteLine($"appended {appended.Appended} events ({appended.Duplicates} already stored); the store holds {await store.Events.CountAsync()}");

EventBatch batch = await store.Events.ReadBatchAsync();
var evaluator = new JourneyEvaluator(journey, new EvaluationOptions { InactivityPeriod = TimeSpan.FromDays(14) });
IReadOnlyList<JourneyInstance> instances = evaluator.Evaluate(batch);
DateTimeOffset asOf = batch.LatestTimestamp!.Value; // one as-of rule: as of the latest event in the data
double mean = instances.Average(i => scoring.Score(evaluator, i, asOf).Value);
Console.WriteLine($"{instances.Count} customers, {instances.Count(i => i.GoalReached)} reached the goal, mean journey score {mean:0.0}");

JourneyInstance first = instances[0];
Console.WriteLine($"customer {first.CustomerId}: {evaluator.GetStatus(first, asOf).State}, score {scoring.Score(evaluator, first, asOf).Value:0} — " +
    string.Join("; ", scoring.Score(evaluator, first, asOf).Breakdown.Select(c => c.ToString())));

// The journey as of the latest event: one lifecycle state per customer, who is stuck, who is at risk, where journeys die.
var analyzer = new JourneyAnalyzer(journey, new AnalyticsOptions { Evaluation = evaluator.Options, Scoring = scoring });
JourneyAnalysis analysis = analyzer.Analyze(batch); // as of batch.LatestTimestamp
string report = Path.GetFullPath("journey-report.html");
using (StreamWriter writer = File.CreateText(report))
{
    JourneyReport.WriteHtml(writer, journey, analysis);
}

LifecycleCounts states = analysis.States;
Console.WriteLine($"as of {analysis.AsOf:yyyy-MM-dd HH:mm}: {states.InProgress} in progress, {states.Stuck} stuck, {states.Dormant} dormant, {states.Converted} converted, {states.Failed} failed; " +
    $"conversion {analysis.Conversion.DecidedRate:P1} of decided runs, estimate {analysis.Conversion.Estimate:P1}; {analysis.AtRisk.Count} at risk before their standard time");
Console.WriteLine($"journey report: {report} (open it in a browser)");
await host.StopAsync(); // the metrics reach the exporter when the host is disposed, as the program ends
return 0;

static string FindRoot()
{
    string? dir = AppContext.BaseDirectory;
    while (dir is not null && !File.Exists(Path.Combine(dir, "JourneyKit.sln")))
    {
        dir = Path.GetDirectoryName(dir);
    }

    return dir ?? Directory.GetCurrentDirectory();
}
