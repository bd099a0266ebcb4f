using System.Diagnostics;
using System.Runtime.CompilerServices;
using JourneyKit.Events;
using JourneyKit.Model.Patterns;

namespace JourneyKit.Matching.Internal;

/// <summary>
/// Up to 64 <see cref="EventCondition"/>s bound to symbol tables (and, for batches, to the batch's attribute columns),
/// answering "which conditions does this event satisfy" as a bit mask: bit i set = condition i holds.
/// </summary>
/// <remarks>
/// The touchpoint part is a table lookup (<c>touchpoint id → mask</c>); only conditions with channel, value or attribute
/// parts (the residual mask) are checked further, per event. Binding allocates; matching does not.
/// Touchpoint ids at or past the table size seen at bind time (symbols added later) count as unknown touchpoints:
/// they satisfy exactly the negated touchpoint sets.
/// </remarks>
internal sealed class BoundConditions
{
    public const int MaxConditions = PatternConstants.MaxAtoms;

    private readonly ulong[] _touchpointMask;
    private readonly ulong _unknownTouchpointMask;
    private readonly ulong _residual;
    private readonly Residual[] _residuals;

    private BoundConditions(ulong[] touchpointMask, ulong unknownTouchpointMask, ulong residual, Residual[] residuals)
    {
        _touchpointMask = touchpointMask;
        _unknownTouchpointMask = unknownTouchpointMask;
        _residual = residual;
        _residuals = residuals;
    }

    /// <summary>Gets the touchpoint-id → mask table (ids past its end are unknown touchpoints).</summary>
    public ReadOnlySpan<ulong> TouchpointTable => _touchpointMask;

    /// <summary>Gets the mask of unknown touchpoints (ids outside <see cref="TouchpointTable"/>).</summary>
    public ulong UnknownTouchpointMask => _unknownTouchpointMask;

    /// <summary>Gets the mask of conditions that need more than the touchpoint to decide.</summary>
    public ulong ResidualMask => _residual;

    /// <summary>Binds conditions to a batch: its symbol tables and attribute columns.</summary>
    /// <param name="conditions">The conditions.</param>
    /// <param name="batch">The batch.</param>
    /// <param name="variablesChecked">Whether the caller checks the attributes that hold a pattern variable
    /// (<c>{order_id=$o}</c>) itself: then they are left out here (a pattern's copies compare the event's value with
    /// theirs, which fails when the attribute is missing), and a condition with nothing else but its touchpoint is
    /// decided by the touchpoint lookup alone.</param>
    public static BoundConditions Bind(IReadOnlyList<EventCondition> conditions, EventBatch batch, bool variablesChecked = false) =>
        Bind(conditions, batch.Touchpoints, batch.Channels, batch, variablesChecked);

    /// <summary>Binds conditions to symbol tables, for streaming (attributes are looked up in dictionaries).</summary>
    public static BoundConditions Bind(IReadOnlyList<EventCondition> conditions, SymbolTable touchpoints, SymbolTable channels) =>
        Bind(conditions, touchpoints, channels, null);

    private static BoundConditions Bind(IReadOnlyList<EventCondition> conditions, SymbolTable touchpoints, SymbolTable channels, EventBatch? batch, bool variablesChecked = false)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(conditions.Count, MaxConditions, nameof(conditions));
        var touchpointMask = new ulong[touchpoints.Count];
        ulong unknown = 0;
        ulong residual = 0;
        var residuals = new Residual[conditions.Count];
        for (int i = 0; i < conditions.Count; i++)
        {
            EventCondition c = conditions[i];
            ulong bit = 1UL << i;
            if (c.IsTouchpointSetNegated)
            {
                unknown |= bit;
                for (int t = 0; t < touchpointMask.Length; t++)
                {
                    touchpointMask[t] |= bit;
                }
            }

            foreach (string t in c.TouchpointSet)
            {
                if (touchpoints.TryGetId(t, out int id))
                {
                    if (c.IsTouchpointSetNegated)
                    {
                        touchpointMask[id] &= ~bit;
                    }
                    else
                    {
                        touchpointMask[id] |= bit;
                    }
                }
            }

            if (!c.IsTouchpointOnly && !(variablesChecked && OnlyVariables(c)))
            {
                residual |= bit;
                residuals[i] = new Residual(c, channels, batch, variablesChecked);
            }
        }

        return new BoundConditions(touchpointMask, unknown, residual, residuals);
    }

    /// <summary>Whether a condition's only part besides its touchpoints is attributes holding a variable.</summary>
    private static bool OnlyVariables(EventCondition c)
    {
        if (!c.ChannelSet.IsEmpty || !c.ValueTests.IsEmpty)
        {
            return false;
        }

        foreach (AttributeCondition a in c.Attributes)
        {
            if (a.Variable is null)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Gets the mask of conditions whose touchpoint part accepts a touchpoint id (-1 = unknown).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong TouchpointMask(int touchpointId) =>
        (uint)touchpointId < (uint)_touchpointMask.Length ? _touchpointMask[touchpointId] : _unknownTouchpointMask;

    /// <summary>Gets the mask of conditions that batch row <paramref name="row"/> satisfies.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Match(EventBatch batch, int row)
    {
        ulong mask = TouchpointMask(batch.TouchpointIds[row]);
        ulong check = mask & _residual;
        return check == 0 ? mask : CheckResiduals(mask, check, batch, row);
    }

    /// <summary>Gets the mask of conditions a streamed event satisfies.</summary>
    /// <param name="touchpointId">The touchpoint id in the bound table, or -1 when unknown.</param>
    /// <param name="channelId">The channel id in the bound table, -1 for none or unknown.</param>
    /// <param name="value">The value, NaN when absent.</param>
    /// <param name="attributes">The attributes, or null.</param>
    public ulong Match(int touchpointId, int channelId, double value, IReadOnlyDictionary<string, string>? attributes)
    {
        ulong mask = TouchpointMask(touchpointId);
        ulong check = mask & _residual;
        while (check != 0)
        {
            int i = System.Numerics.BitOperations.TrailingZeroCount(check);
            check &= check - 1;
            if (!_residuals[i].Matches(channelId, value, attributes))
            {
                mask &= ~(1UL << i);
            }
        }

        return mask;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ulong CheckResiduals(ulong mask, ulong check, EventBatch batch, int row)
    {
        while (check != 0)
        {
            int i = System.Numerics.BitOperations.TrailingZeroCount(check);
            check &= check - 1;
            if (!_residuals[i].Matches(batch, row))
            {
                mask &= ~(1UL << i);
            }
        }

        return mask;
    }

    /// <summary>The channel, value and attribute parts of one condition, bound.</summary>
    private sealed class Residual
    {
        private readonly EventCondition _condition;
        private readonly bool[]? _channelOk; // index channelId + 1; index 0 = no channel
        private readonly int[][] _attributeColumns; // batch only
        private readonly bool[][] _attributeValueOk; // batch only: index valueId + 1; index 0 = absent

        public Residual(EventCondition condition, SymbolTable channels, EventBatch? batch, bool variablesChecked = false)
        {
            _condition = condition;
            if (!condition.ChannelSet.IsEmpty)
            {
                _channelOk = new bool[channels.Count + 1];
                foreach (Model.Channel ch in condition.ChannelSet)
                {
                    if (channels.TryGetId(ch.Name, out int id))
                    {
                        _channelOk[id + 1] = true;
                    }
                }
            }

            AttributeCondition[] attributes = batch is null ? [] : [.. condition.Attributes.Where(a => !(variablesChecked && a.Variable is not null))];
            int n = attributes.Length;
            _attributeColumns = new int[n][];
            _attributeValueOk = new bool[n][];
            for (int a = 0; a < n; a++)
            {
                Debug.Assert(batch is not null, "only batches bind columns");
                AttributeCondition attr = attributes[a];
                _attributeColumns[a] = batch.TryGetAttributeColumn(attr.Key, out ReadOnlySpan<int> column) ? column.ToArray() : [];
                var ok = new bool[batch.AttributeValues.Count + 1];
                ok[0] = attr.IsNegated;
                for (int v = 0; v < batch.AttributeValues.Count; v++)
                {
                    ok[v + 1] = attr.Matches(batch.AttributeValues[v]);
                }

                _attributeValueOk[a] = ok;
            }
        }

        public bool Matches(EventBatch batch, int row)
        {
            if (!ChannelMatches(batch.ChannelIds[row]))
            {
                return false;
            }

            if (!_condition.ValueTests.IsEmpty && !_condition.MatchesValue(batch.HasValues ? batch.Values[row] : double.NaN))
            {
                return false;
            }

            for (int a = 0; a < _attributeColumns.Length; a++)
            {
                int[] column = _attributeColumns[a];
                int valueId = column.Length == 0 ? -1 : column[row];
                if (!_attributeValueOk[a][valueId + 1])
                {
                    return false;
                }
            }

            return true;
        }

        public bool Matches(int channelId, double value, IReadOnlyDictionary<string, string>? attributes)
        {
            if (!ChannelMatches(channelId) || !_condition.MatchesValue(value))
            {
                return false;
            }

            foreach (AttributeCondition attr in _condition.Attributes)
            {
                string? v = null;
                attributes?.TryGetValue(attr.Key, out v);
                if (!attr.Matches(v))
                {
                    return false;
                }
            }

            return true;
        }

        private bool ChannelMatches(int channelId) =>
            _channelOk is null || ((uint)(channelId + 1) < (uint)_channelOk.Length && _channelOk[channelId + 1]);
    }
}
