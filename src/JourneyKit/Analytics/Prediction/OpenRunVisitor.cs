using JourneyKit.Scoring;

namespace JourneyKit.Analytics.Prediction;

/// <summary>Called for each sample as <see cref="OpenRunSampler"/> finds it, before its labels are known.</summary>
/// <param name="index">The sample's index in the list <see cref="OpenRunSampler.Sample"/> returns.</param>
/// <param name="run">The run as of the landmark: evaluated from the events at or before it. Valid only during the call (it is advanced afterwards).</param>
/// <param name="sample">The sample, with null labels.</param>
public delegate void OpenRunVisitor(int index, JourneyInstance run, in OpenRunSample sample);
