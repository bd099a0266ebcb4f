namespace JourneyKit.Matching.WindowFunnel;

/// <summary>
/// The modes of a window funnel, combinable as flags; the same as ClickHouse <c>windowFunnel</c>'s options.
/// </summary>
[Flags]
#pragma warning disable CA1714 // a flags enum named like its ClickHouse counterpart
public enum WindowFunnelMode
#pragma warning restore CA1714
{
    /// <summary>No option: the furthest step reached in order within the window; other events may come between steps.</summary>
    None = 0,

    /// <summary>
    /// <c>strict_order</c>: no other event may come between steps. An event that matches no step stops the search once
    /// step 1 was seen; an event whose previous step was never reached stops it too (unless <see cref="AllowReentry"/>).
    /// </summary>
    StrictOrder = 1,

    /// <summary>
    /// <c>strict_deduplication</c>: when an event repeats a step (other than step 1) that was already reached, the search
    /// stops and answers the highest level reached so far.
    /// </summary>
    StrictDeduplication = 2,

    /// <summary><c>strict_increase</c>: each step must come strictly later in time than the previous step of the chain.</summary>
    StrictIncrease = 4,

    /// <summary>
    /// <c>allow_reentry</c> (only with <see cref="StrictOrder"/>): an event whose previous step was never reached is
    /// skipped instead of stopping the search.
    /// </summary>
    AllowReentry = 8,
}
