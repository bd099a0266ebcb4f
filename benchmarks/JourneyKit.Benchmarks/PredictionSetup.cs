using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Model.Json;
using JourneyKit.Scoring;
using JourneyKit.Synthetic;

namespace JourneyKit.Benchmarks;

/// <summary>
/// The data of the prediction benchmark and probe: generated bank events (sample journey, seed 7), the cut-off halfway
/// through them, the events before it, and the runs open there in a non-terminal stage — what a model is fitted on and
/// asked about.
/// </summary>
internal sealed record PredictionSetup(Journey Journey, EventBatch Batch, JourneyEvaluator Evaluator, DateTimeOffset Cutoff, EventBatch Before)
{
    /// <summary>Generates the events of <paramref name="customers"/> customers and cuts them halfway.</summary>
    public static PredictionSetup Generate(int customers)
    {
        Journey journey = JourneyJson.LoadFile(Path.Combine(Root(), "samples", "data", "retail-bank-account-opening.journey.json"));
        EventBatch batch = new SyntheticEventGenerator(journey, new SyntheticEventOptions { Customers = customers, Seed = 7 }).GenerateBatch();
        var evaluator = new JourneyEvaluator(journey.Compile());
        DateTimeOffset start = batch.EarliestTimestamp!.Value, end = batch.LatestTimestamp!.Value;
        DateTimeOffset cutoff = start + ((end - start) / 2);
        return new PredictionSetup(journey, batch, evaluator, cutoff, batch.Until(cutoff));
    }

    /// <summary>The runs open at the cut-off in a non-terminal stage (the ones a risk model is asked about).</summary>
    public List<JourneyInstance> OpenRuns()
    {
        var open = new List<JourneyInstance>();
        foreach (JourneyInstance run in Evaluator.Evaluate(Before))
        {
            if (Evaluator.GetStatus(run, Cutoff).IsOpen && run.CurrentStage >= 0 && !Evaluator.Journey.Stages[run.CurrentStage].IsTerminal)
            {
                open.Add(run);
            }
        }

        return open;
    }

    private static string Root()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "JourneyKit.sln")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? Directory.GetCurrentDirectory();
    }
}
