namespace JourneyKit.Matching.Internal;

/// <summary>
/// A search over a touchpoint-id column for the next event that can change a matcher's state ("moving" ids): every
/// other id is skipped without computing its condition mask. The search is vectorised when the moving ids (or the
/// inert ones) are few or contiguous (<see cref="MemoryExtensions.IndexOfAny{T}(ReadOnlySpan{T}, T, T)"/>,
/// <c>IndexOfAnyInRange</c>, <c>IndexOfAnyExcept</c>, …); otherwise it is a loop over a table of flags.
/// </summary>
/// <remarks>
/// Built for a batch's touchpoint table at bind time, which holds every id of the batch (ids are interned before the
/// batch is built). The flags come from the touchpoint part of the conditions only, a superset of what an event
/// satisfies, so the search is conservative: it may stop at an event that does not move the state, never pass one that does.
/// </remarks>
internal sealed class IdSkip
{
    private readonly Kind _kind;
    private readonly int _v0;
    private readonly int _v1;
    private readonly int _v2;
    private readonly int[] _values;
    private readonly bool[] _moving;

    private IdSkip(Kind kind, bool[] moving, int v0 = 0, int v1 = 0, int v2 = 0, int[]? values = null)
    {
        _kind = kind;
        _moving = moving;
        _v0 = v0;
        _v1 = v1;
        _v2 = v2;
        _values = values ?? [];
    }

    private enum Kind : byte
    {
        Never,      // every id moves: no search
        All,        // no id moves: skip to the end
        One,
        Two,
        Three,
        AnyOf,      // 4 or 5 moving ids
        InRange,    // moving ids are [v0, v1]
        ExceptOne,  // inert ids are {v0}, …
        ExceptTwo,
        ExceptThree,
        ExceptInRange, // inert ids are [v0, v1]
        Table,
    }

    /// <summary>Gets a skip that never skips.</summary>
    public static IdSkip Never { get; } = new(Kind.Never, []);

    /// <summary>Gets a skip past every event (nothing can move the state any more).</summary>
    public static IdSkip All { get; } = new(Kind.All, []);

    /// <summary>Gets whether the search can skip anything at all.</summary>
    public bool CanSkip => _kind != Kind.Never;

    /// <summary>Builds the search from a flag per id (true: the id moves the state).</summary>
    public static IdSkip From(bool[] moving)
    {
        var mv = new List<int>();
        var inert = new List<int>();
        for (int id = 0; id < moving.Length; id++)
        {
            (moving[id] ? mv : inert).Add(id);
        }

        if (inert.Count == 0)
        {
            return Never;
        }

        return mv.Count switch
        {
            0 => new IdSkip(Kind.All, moving),
            1 => new IdSkip(Kind.One, moving, mv[0]),
            2 => new IdSkip(Kind.Two, moving, mv[0], mv[1]),
            3 => new IdSkip(Kind.Three, moving, mv[0], mv[1], mv[2]),
            4 or 5 => new IdSkip(Kind.AnyOf, moving, values: [.. mv]),
            _ when mv[^1] - mv[0] + 1 == mv.Count => new IdSkip(Kind.InRange, moving, mv[0], mv[^1]),
            _ => inert.Count switch
            {
                1 => new IdSkip(Kind.ExceptOne, moving, inert[0]),
                2 => new IdSkip(Kind.ExceptTwo, moving, inert[0], inert[1]),
                3 => new IdSkip(Kind.ExceptThree, moving, inert[0], inert[1], inert[2]),
                _ when inert[^1] - inert[0] + 1 == inert.Count => new IdSkip(Kind.ExceptInRange, moving, inert[0], inert[^1]),
                _ => new IdSkip(Kind.Table, moving),
            },
        };
    }

    /// <summary>Whether an event with touchpoint id <paramref name="id"/> may move the state (one table lookup).</summary>
    /// <param name="id">The id.</param>
    /// <returns>True unless the id is inert.</returns>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public bool Moves(int id) => _kind != Kind.All && ((uint)id >= (uint)_moving.Length || _moving[id]);

    /// <summary>The index in <paramref name="ids"/> of the first moving id, or its length when there is none.</summary>
    /// <param name="ids">Touchpoint ids, all below the table length the search was built for (a bound batch's).</param>
    /// <returns>The index.</returns>
    public int Next(ReadOnlySpan<int> ids)
    {
        int i = _kind switch
        {
            Kind.Never => 0,
            Kind.All => -1,
            Kind.One => ids.IndexOf(_v0),
            Kind.Two => ids.IndexOfAny(_v0, _v1),
            Kind.Three => ids.IndexOfAny(_v0, _v1, _v2),
            Kind.AnyOf => ids.IndexOfAny(_values),
            Kind.InRange => ids.IndexOfAnyInRange(_v0, _v1),
            Kind.ExceptOne => ids.IndexOfAnyExcept(_v0),
            Kind.ExceptTwo => ids.IndexOfAnyExcept(_v0, _v1),
            Kind.ExceptThree => ids.IndexOfAnyExcept(_v0, _v1, _v2),
            Kind.ExceptInRange => ids.IndexOfAnyExceptInRange(_v0, _v1),
            _ => NextByTable(ids),
        };
        return i < 0 ? ids.Length : i;
    }

    private int NextByTable(ReadOnlySpan<int> ids)
    {
        bool[] moving = _moving;
        for (int i = 0; i < ids.Length; i++)
        {
            int id = ids[i];
            if ((uint)id >= (uint)moving.Length || moving[id])
            {
                return i;
            }
        }

        return -1;
    }
}
