namespace JourneyKit.Model;

/// <summary>The kind of a key performance indicator.</summary>
public enum KpiKind
{
    /// <summary>Share of customers reaching the goal, 0..1.</summary>
    Conversion,

    /// <summary>Share of customers retained, 0..1.</summary>
    Retention,

    /// <summary>Net promoter score, -100..100.</summary>
    Nps,

    /// <summary>Customer satisfaction score (any positive scale).</summary>
    Csat,

    /// <summary>Customer effort score (any positive scale).</summary>
    Ces,

    /// <summary>Revenue (non-negative).</summary>
    Revenue,

    /// <summary>Time to complete the journey, in hours (positive).</summary>
    TimeToComplete,

    /// <summary>Anything else.</summary>
    Custom,
}
