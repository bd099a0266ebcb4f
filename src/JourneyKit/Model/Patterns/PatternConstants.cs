namespace JourneyKit.Model.Patterns;

/// <summary>The defaults of <see cref="PatternOptions"/>, in one place (a test pins them).</summary>
internal static class PatternConstants
{
    public const int DefaultMaxLength = 4096;
    public const int DefaultMaxDepth = 32;
    public const int DefaultMaxStates = 1024;
    public const int DefaultMaxEdges = 4096;
    public const int DefaultMaxPartialMatches = 64;
    public const int DefaultMaxBoundValues = 64;

    /// <summary>The most distinct event conditions (atoms) a pattern may use: the matcher keeps them in a 64-bit mask.</summary>
    public const int MaxAtoms = 64;

    /// <summary>The most <c>~~</c> gaps plus groups with <c>within</c> a pattern may have (each is a time kept per partial match).</summary>
    public const int MaxTimeConstraints = 16;
}
