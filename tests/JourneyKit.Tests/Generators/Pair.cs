using FsCheck;
using FsCheck.Fluent;

namespace JourneyKit.Tests.Generators;

/// <summary>
/// Two generated inputs as one FsCheck value, shrunk together: first the first input's shrinks with the second kept,
/// then the second's with the first kept. (Two separate <c>Prop.ForAll</c> arguments are nested properties: shrinking the
/// outer one re-generates the inner one, so a counterexample does not always end at a minimum.)
/// </summary>
public static class Pair
{
    public static Arbitrary<(T1 First, T2 Second)> Of<T1, T2>(Arbitrary<T1> first, Arbitrary<T2> second) =>
        Arb.From(
            from a in first.Generator
            from b in second.Generator
            select (First: a, Second: b),
            p => first.Shrinker(p.First).Select(a => (First: a, p.Second)).Concat(second.Shrinker(p.Second).Select(b => (p.First, Second: b))));

    /// <summary>A property over two inputs that shrink together (see <see cref="Of{T1, T2}"/>).</summary>
    public static Property ForAll<T1, T2>(Arbitrary<T1> first, Arbitrary<T2> second, Func<T1, T2, bool> property) =>
        Prop.ForAll(Of(first, second), p => property(p.First, p.Second));

    /// <summary>A property over two inputs that shrink together, with a labelled verdict.</summary>
    public static Property ForAll<T1, T2>(Arbitrary<T1> first, Arbitrary<T2> second, Func<T1, T2, Property> property) =>
        Prop.ForAll(Of(first, second), p => property(p.First, p.Second));
}
