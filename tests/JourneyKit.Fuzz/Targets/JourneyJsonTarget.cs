using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Model.Json;
using JourneyKit.Scoring;

namespace JourneyKit.Fuzz.Targets;

/// <summary>
/// <c>JourneyJson.Load</c> (the journey file loader: JSON, values, model validation); a journey that loads must
/// compile (its moments of truth are patterns), save and load back equal, and evaluate a small batch that visits its
/// touchpoints.
/// </summary>
internal sealed class JourneyJsonTarget : FuzzTarget
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override string Name => "journey-json";

    public override string Description => "JourneyJson.Load, then Compile, save/load round trip and evaluation";

    public override IReadOnlyList<byte[]> Tokens { get; } = Utf8(
        "{", "}", "[", "]", ",", ":", "\"", "null", "true", "false", "0", "-1", "1e308", "\"\\ud800\"", "\"\\u0000\"",
        "\"id\"", "\"version\"", "\"name\"", "\"stages\"", "\"touchpoints\"", "\"channels\"", "\"personas\"",
        "\"momentsOfTruth\"", "\"kpis\"", "\"rules\"", "\"next\"", "\"standardTime\"", "\"maxTime\"", "\"isGoal\"",
        "\"isFailure\"", "\"pattern\"", "\"weight\"", "\"outcome\"", "\"channel\"", "\"rule\"", "\"reentry\"",
        "\"2d\"", "\"1h 30m\"", "\"-1d\"", "\"99999999999d\"", "\"web\"", "\"email\"", "\"positive\"", "\"negative\"",
        "\".* a within 1h\"", "\"(a+)+\"", "\"{channel=|}\"", "/* c */", "// c\n");

    public override void Run(ReadOnlySpan<byte> data)
    {
        Journey journey;
        try
        {
            using var stream = new MemoryStream(data.ToArray(), writable: false);
            journey = JourneyJson.Load(stream);
        }
        catch (JourneyValidationException e)
        {
            Check.That(e.Problems.Count > 0, "JourneyValidationException without problems");
            foreach (JourneyProblem p in e.Problems)
            {
                Check.That(!string.IsNullOrEmpty(p.Code) && !string.IsNullOrEmpty(p.Message), $"problem without code or message: {p}");
            }

            return;
        }

        CompiledJourney compiled = journey.Compile();
        Journey again = JourneyJson.Load(JourneyJson.Save(journey));
        Check.That(again == journey, "load → save → load gave a different journey");

        // A few customers walking the journey's touchpoints, one event an hour.
        var builder = new EventBatchBuilder();
        int n = 0;
        foreach (Stage stage in journey.Stages)
        {
            foreach (string touchpoint in stage.Touchpoints)
            {
                if (n >= 64)
                {
                    break;
                }

                builder.Add(new JourneyEvent("c" + (n % 3), touchpoint, T0.AddHours(n), Channel.None));
                n++;
            }
        }

        EventBatch batch = builder.Build();
        var evaluator = new JourneyEvaluator(compiled);
        foreach (JourneyInstance instance in evaluator.Evaluate(batch))
        {
            evaluator.GetHistoricStatus(instance);
        }
    }
}
