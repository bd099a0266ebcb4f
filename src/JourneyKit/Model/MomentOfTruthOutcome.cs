namespace JourneyKit.Model;

/// <summary>Whether a moment of truth is good or bad for the customer relationship.</summary>
public enum MomentOfTruthOutcome
{
    /// <summary>The moment went well (first salary paid in, order delivered early).</summary>
    Positive,

    /// <summary>The moment went badly (a failed payment followed by a call).</summary>
    Negative,
}
