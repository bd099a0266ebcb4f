using FsCheck;
using FsCheck.Fluent;

namespace JourneyKit.Tests.Generators;

/// <summary>
/// A recorded sequence of choices in place of <see cref="Random"/>, for properties whose input is built by a random
/// program (random pattern text with nested groups, random streams drawn alongside it): FsCheck generates the choices and
/// shrinks them — shorter (truncated, chunks removed) and smaller (a choice set to 0 or halved) — and the program replays
/// a shrunk sequence as a simpler input, because choice 0 is each draw's first, simplest alternative and an exhausted
/// sequence answers 0 (the "internal shrinking" of Hypothesis). <see cref="Next(int)"/> and <see cref="Next(int, int)"/>
/// draw like <see cref="Random"/>'s, so a program written against <see cref="Random"/> keeps its shape.
/// </summary>
public sealed class Choices
{
    private const int MaxChoice = 1 << 10;

    private readonly int[] _values;
    private int _next;

    /// <summary>Replays <paramref name="values"/> (each in 0..1024), then answers 0.</summary>
    public Choices(int[] values) => _values = values;

    /// <summary>A choice in [0, <paramref name="maxExclusive"/>): the next recorded value modulo the range (always consumed,
    /// so the draws after it keep their place when one range changes), 0 once the record is used up.</summary>
    public int Next(int maxExclusive)
    {
        int value = _next < _values.Length ? _values[_next++] : 0;
        return maxExclusive <= 1 ? 0 : value % maxExclusive;
    }

    /// <summary>A choice in [<paramref name="min"/>, <paramref name="maxExclusive"/>).</summary>
    public int Next(int min, int maxExclusive) => min + Next(maxExclusive - min);

    /// <summary>Records of 0 to <paramref name="maxLength"/> choices, shrinking as described on the type.</summary>
    public static Arbitrary<int[]> Of(int maxLength) =>
        Arb.From(
            from n in Gen.Choose(0, maxLength)
            from values in Gen.Choose(0, MaxChoice).ArrayOf(n)
            select values,
            Shrink);

    /// <summary>Shorter first (half, then chunks of 16, 4 and 1 removed), then smaller choices (0, then halved).</summary>
    internal static IEnumerable<int[]> Shrink(int[] values)
    {
        if (values.Length == 0)
        {
            yield break;
        }

        if (values.Length > 1)
        {
            yield return values[..(values.Length / 2)];
        }

        foreach (int size in (int[])[16, 4, 1])
        {
            for (int start = 0; start + size <= values.Length; start += size)
            {
                yield return [.. values.AsSpan(0, start), .. values.AsSpan(start + size)];
            }
        }

        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] != 0)
            {
                int[] zero = [.. values];
                zero[i] = 0;
                yield return zero;
                if (values[i] > 1)
                {
                    int[] half = [.. values];
                    half[i] = values[i] / 2;
                    yield return half;
                }
            }
        }
    }

    /// <inheritdoc/>
    public override string ToString() => "[" + string.Join(",", _values) + "]";
}
