namespace JourneyKit.Matching.Pattern;

/// <summary>The defaults of <see cref="PatternOptions"/>, in one place (a test pins them).</summary>
internal static class PatternConstants
{
    public const int DefaultMaxLength = 4096;
    public const int DefaultMaxDepth = 32;
    public const int DefaultMaxStates = 1024;
    public const int DefaultMaxEdges = 4096;
    public const int DefaultMaxPartialMatches = 64;
}
