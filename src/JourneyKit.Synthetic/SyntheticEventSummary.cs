namespace JourneyKit.Synthetic;

/// <summary>What <see cref="SyntheticEventGenerator"/> generated: counts of events and of the customer outcomes.</summary>
/// <remarks>
/// <para>Every customer ends exactly one way: <see cref="Converted"/> (reached a goal stage), <see cref="Failed"/>
/// (reached a failure stage) or <see cref="DroppedOut"/> (stopped in another stage: a dead end).</para>
/// <threadsafety>Instances are immutable and thread-safe.</threadsafety>
/// </remarks>
public sealed record SyntheticEventSummary
{
    /// <summary>Gets the number of customers.</summary>
    public long Customers { get; init; }

    /// <summary>Gets the number of rows written, duplicates included.</summary>
    public long Events { get; init; }

    /// <summary>Gets the number of rows that repeat an earlier row's event id.</summary>
    public long Duplicates { get; init; }

    /// <summary>Gets the number of events written after a later event of the same customer.</summary>
    public long OutOfOrder { get; init; }

    /// <summary>Gets the number of customers who reached a goal stage.</summary>
    public long Converted { get; init; }

    /// <summary>Gets the number of customers who stopped in a stage that is neither goal nor failure (dead ends).</summary>
    public long DroppedOut { get; init; }

    /// <summary>Gets the number of customers who ended in a failure stage.</summary>
    public long Failed { get; init; }

    /// <summary>Gets the number of times a customer stayed in a stage past its standard time before moving on.</summary>
    public long StuckStages { get; init; }

    /// <summary>Gets the number of times a customer went back to an earlier stage.</summary>
    public long Backtracks { get; init; }

    /// <summary>Gets the number of events on another channel than the customer's previous event (journeys mix channels by
    /// design, so this is far more than <see cref="SyntheticEventOptions.ChannelSwitchProbability"/> alone gives).</summary>
    public long ChannelSwitches { get; init; }
}
