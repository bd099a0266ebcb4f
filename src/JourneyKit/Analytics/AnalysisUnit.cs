namespace JourneyKit.Analytics;

/// <summary>What an analysis counts when customers can re-enter a journey (<see cref="Model.Journey.Reentry"/>).</summary>
public enum AnalysisUnit
{
    /// <summary>Every run of every customer (each run has its own state, funnel position and score).</summary>
    Runs = 0,

    /// <summary>Each customer once, by their latest run.</summary>
    Customers = 1,
}
