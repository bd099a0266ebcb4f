// README-LIFECYCLE-BEGIN
using JourneyKit.Analytics;
using JourneyKit.Events;
using JourneyKit.Model.Json;
using JourneyKit.Scoring;

public static class WhereIsEachCustomer
{
    public static LifecycleCounts Run(string journeyFile, string eventsFile)
    {
        CompiledJourney journey = JourneyJson.LoadFile(journeyFile).Compile();
        EventBatch events = EventFile.Read(eventsFile).Batch;

        // As of the latest event in the data. (For another instant T: events.Until(T), then ask as of T.)
        DateTimeOffset asOf = events.LatestTimestamp ?? DateTimeOffset.UnixEpoch;
        var evaluator = new JourneyEvaluator(journey);
        foreach (JourneyInstance run in evaluator.Evaluate(events))
        {
            JourneyStatus status = evaluator.GetStatus(run, asOf); // exactly one of InProgress, Stuck, Dormant, Converted, Failed
            if (status.State == LifecycleState.Stuck)
            {
                Console.WriteLine($"{run.CustomerId} is stuck in '{journey.Stages[status.Stage].Name}', {status.OverdueBy.TotalHours:0}h over its standard time");
            }
        }

        JourneyAnalysis analysis = new JourneyAnalyzer(journey).Analyze(events); // as of the latest event too
        Console.WriteLine($"conversion: {analysis.Conversion.DecidedRate:P1} of decided customers, {analysis.Conversion.Estimate:P1} estimated with open ones censored");
        return analysis.States; // InProgress + Stuck + Dormant + Converted + Failed = every customer, once
    }
}
// README-LIFECYCLE-END
