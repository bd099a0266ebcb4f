using JourneyKit.Analytics.Prediction;

namespace JourneyKit.Tests.Analytics.Prediction;

/// <summary>A test model: predicts a fixed probability per customer (0.5 for others), and checks it is never shown an event after the instant.</summary>
internal sealed class FixedRiskTrainer(IReadOnlyDictionary<string, double> risks, string name = "fixed") : RiskModelTrainer
{
    public override string Name => name;

    public int Fits { get; private set; }

    public override FittedRiskModel Fit(RiskTrainingSet training)
    {
        Assert.True(training.Events.LatestTimestamp <= training.Cutoff);
        Fits++;
        return new Fitted(name, risks);
    }

    private sealed class Fitted(string name, IReadOnlyDictionary<string, double> risks) : FittedRiskModel
    {
        public override string Name => name;

        public override void Predict(RiskQuery query, Span<RunRisk> output)
        {
            Assert.True(query.Events.LatestTimestamp <= query.AsOf);
            for (int i = 0; i < query.Runs.Count; i++)
            {
                double p = risks.GetValueOrDefault(query.Runs[i].CustomerId, 0.5);
                output[i] = new RunRisk(p, p);
            }
        }
    }
}
