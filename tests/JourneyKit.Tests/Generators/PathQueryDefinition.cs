using FsCheck;
using FsCheck.Fluent;
using JourneyKit.Analytics;

namespace JourneyKit.Tests.Generators;

/// <summary>
/// A generated path query over <see cref="History.Letters"/> (touchpoint level) or <see cref="Stages"/> (stage level):
/// indices name the steps (-1: none), masks pick the hidden and excluded names, <see cref="End"/> is 0 (none), 1
/// (<see cref="PathQuery.EndingAt"/>) or 2 (<see cref="PathQuery.DropOffAt"/> a non-terminal stage), and
/// <see cref="AsOfOffset"/> the seconds from the history's latest event to the instant (negative: before it).
/// </summary>
public sealed record PathQueryDefinition(bool StageLevel, int Start, int End, int EndName, int HiddenMask, int ExcludedMask, int Depth, bool Collapse, int Top, int AsOfOffset)
{
    /// <summary>The stage ids of the journey the property tests use with this generator: two stages and a goal.</summary>
    public static readonly string[] Stages = ["s1", "s2", "g"];

    public string[] Names => StageLevel ? Stages : History.Letters;

    public PathQuery ToQuery()
    {
        string[] names = Names;
        string? start = Start < 0 ? null : names[Start % names.Length];
        string? end = End == 1 ? names[EndName % names.Length] : null;
        string? dropOff = End == 2 ? Stages[EndName % 2] : null;
        return new PathQuery
        {
            Level = StageLevel ? PathLevel.Stage : PathLevel.Touchpoint,
            StartingAt = start,
            EndingAt = end,
            DropOffAt = dropOff,
            Hidden = Pick(HiddenMask, names, start, end),
            Excluded = Pick(ExcludedMask, names, start, end),
            Depth = Depth,
            CollapseRepeats = Collapse,
            Top = Top,
        };
    }

    private static string[] Pick(int mask, string[] names, string? start, string? end) =>
        [.. names.Where((n, i) => (mask & (1 << i)) != 0 && n != start && n != end)];

    public override string ToString()
    {
        PathQuery q = ToQuery();
        return $"{q.Level} from {q.StartingAt ?? "-"} to {q.EndingAt ?? "-"} drop-off {q.DropOffAt ?? "-"} hide [{string.Join(",", q.Hidden)}] exclude [{string.Join(",", q.Excluded)}] depth {q.Depth}{(q.CollapseRepeats ? " collapse" : string.Empty)} top {q.Top} as of latest{AsOfOffset:+0;-0}s";
    }
}

/// <summary>FsCheck generators and shrinkers of <see cref="PathQueryDefinition"/>.</summary>
public static class PathQueryDefinitions
{
    public static Arbitrary<PathQueryDefinition> Of() => Arb.From(Generate(), Shrink);

    public static Gen<PathQueryDefinition> Generate() =>
        from stage in Gen.Frequency((2, Gen.Constant(false)), (1, Gen.Constant(true)))
        from start in Gen.Frequency((1, Gen.Constant(-1)), (2, Gen.Choose(0, 5)))
        from end in Gen.Frequency((2, Gen.Constant(0)), (2, Gen.Constant(1)), (2, Gen.Constant(2)))
        from endName in Gen.Choose(0, 5)
        from hidden in Gen.Frequency((3, Gen.Constant(0)), (1, Gen.Choose(0, 63)))
        from excluded in Gen.Frequency((3, Gen.Constant(0)), (1, Gen.Choose(0, 63)))
        from depth in Gen.Choose(1, 4)
        from collapse in Gen.Elements(false, true)
        from top in Gen.Choose(1, 5)
        from asOf in Gen.Choose(-3, 9)
        select new PathQueryDefinition(stage, start, end, endName, hidden, excluded, depth, collapse, top, asOf);

    /// <summary>Fewer options first (no hiding, no exclusion, no end, no start), then smaller values.</summary>
    public static IEnumerable<PathQueryDefinition> Shrink(PathQueryDefinition q)
    {
        if (q.HiddenMask != 0)
        {
            yield return q with { HiddenMask = 0 };
        }

        if (q.ExcludedMask != 0)
        {
            yield return q with { ExcludedMask = 0 };
        }

        if (q.End != 0)
        {
            yield return q with { End = 0, EndName = 0 };
        }

        if (q.Start >= 0)
        {
            yield return q with { Start = -1 };
        }

        if (q.StageLevel)
        {
            yield return q with { StageLevel = false };
        }

        if (q.Collapse)
        {
            yield return q with { Collapse = false };
        }

        if (q.Start > 0)
        {
            yield return q with { Start = q.Start - 1 };
        }

        if (q.EndName > 0)
        {
            yield return q with { EndName = q.EndName - 1 };
        }

        if (q.Depth > 1)
        {
            yield return q with { Depth = q.Depth - 1 };
        }

        if (q.Top > 1)
        {
            yield return q with { Top = q.Top - 1 };
        }

        if (q.AsOfOffset != 0)
        {
            yield return q with { AsOfOffset = 0 };
        }
    }
}
