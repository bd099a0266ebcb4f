namespace JourneyKit.Analytics.Prediction;

/// <summary>The result of <see cref="NextStepBacktest.EveryPrefix"/>: next-touchpoint accuracy over every prefix of the test cases.</summary>
/// <param name="TrainingCases">The cases (customers) the models learned from: the earliest by first event.</param>
/// <param name="TestCases">The later cases predicted for.</param>
/// <param name="Prefixes">The prefixes scored.</param>
/// <param name="PredictEnd">Whether the end of a case is a symbol to predict (the last prefix of every case is then scored too).</param>
/// <param name="MinimumPrefixLength">The shortest prefix scored.</param>
/// <param name="Models">Each model's accuracy, in the order given.</param>
public sealed record EveryPrefixResult(int TrainingCases, int TestCases, int Prefixes, bool PredictEnd, int MinimumPrefixLength, IReadOnlyList<EveryPrefixAccuracy> Models);
