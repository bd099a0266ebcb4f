using JourneyKit.Matching.Pattern;

namespace JourneyKit.Model.Internal;

/// <summary>Checks a moment-of-truth pattern by compiling it with the pattern language (syntax and limits).</summary>
internal static class MomentOfTruthPatternCheck
{
    public static bool Validate(string pattern, out string? error, out int column)
    {
        try
        {
            CompiledPattern.Compile(pattern);
            error = null;
            column = 0;
            return true;
        }
        catch (PatternSyntaxException e)
        {
            error = e.Detail;
            column = e.Offset + 1;
            return false;
        }
    }
}
