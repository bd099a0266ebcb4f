using System.Runtime.CompilerServices;
using JourneyKit.Events;
using JourneyKit.Matching.Internal;

namespace JourneyKit.Matching.Pattern;

/// <summary>
/// A compiled pattern's atoms bound to one batch's columns (<see cref="CompiledPattern.Bind"/>): for each event row,
/// the mask of atoms it satisfies, to feed <see cref="CompiledPattern.Advance(PatternState, ulong, long)"/>. Lets the
/// evaluator step patterns over a batch without reaching into the matcher's internals.
/// </summary>
internal readonly struct BoundPattern
{
    private readonly BoundConditions _conditions;

    internal BoundPattern(BoundConditions conditions, int[]?[]? columns)
    {
        _conditions = conditions;
        Columns = columns;
    }

    /// <summary>Gets the batch columns of the pattern variable's attribute keys (null entries: no event has the key), or
    /// null when the pattern has no variable.</summary>
    public int[]?[]? Columns { get; }

    /// <summary>Gets the atoms the event at <paramref name="row"/> satisfies, as a bit mask.</summary>
    /// <param name="batch">The batch the pattern was bound to.</param>
    /// <param name="row">The event row.</param>
    /// <returns>The mask.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Match(EventBatch batch, int row) => _conditions.Match(batch, row);
}
