using FsCheck;
using FsCheck.Fluent;

namespace JourneyKit.Tests.Generators;

/// <summary>
/// Shrinking generators of small plain values — bounded integers and arrays of them — for properties whose input is not
/// an event history or a definition (those have their own generators here). <c>Gen.ToArbitrary()</c> does not shrink:
/// a property built on it reports the first random failure as it was; these report a minimum.
/// </summary>
public static class Small
{
    /// <summary>An integer in [<paramref name="min"/>, <paramref name="max"/>] shrinking towards <paramref name="min"/>
    /// (first <paramref name="min"/> itself, then halfway, then one less).</summary>
    public static Arbitrary<int> Between(int min, int max) => Arb.From(Gen.Choose(min, max), x => Towards(min, x));

    /// <summary>Arrays of <paramref name="minLength"/> to <paramref name="maxLength"/> elements, shrinking by FsCheck's
    /// array shrinker: fewer elements, then each element by its type's default shrinker (integers towards 0, booleans
    /// towards false, tuples field by field). The elements must be built of non-negative integers and booleans, so a
    /// shrunk element stays inside the generated ranges.</summary>
    public static Arbitrary<T[]> ArrayOf<T>(Gen<T> element, int minLength, int maxLength)
    {
        Func<T[], IEnumerable<T[]>> shrink = ArbMap.Default.ArbFor<T[]>().Shrinker;
        return Arb.From(
            from n in Gen.Choose(minLength, maxLength)
            from items in element.ArrayOf(n)
            select items,
            a => shrink(a).Where(s => s.Length >= minLength));
    }

    /// <summary>One integer per range, each in [Min, Max] and shrinking towards its Min independently of the others:
    /// the small knobs of a property (an instant, a count, a horizon) next to its main input.</summary>
    public static Arbitrary<int[]> Each(params (int Min, int Max)[] ranges) =>
        Arb.From(
            Gen.CollectToArray(ranges.Select(r => Gen.Choose(r.Min, r.Max))),
            values => Enumerable.Range(0, ranges.Length).SelectMany(i => Towards(ranges[i].Min, values[i]).Select(v =>
            {
                int[] copy = [.. values];
                copy[i] = v;
                return copy;
            })));

    private static IEnumerable<int> Towards(int min, int x)
    {
        if (x == min)
        {
            yield break;
        }

        yield return min;
        int half = min + ((x - min) / 2);
        if (half != min && half != x)
        {
            yield return half;
        }

        if (x - 1 != min && x - 1 != half)
        {
            yield return x - 1;
        }
    }
}
