namespace JourneyKit.Model.Internal;

/// <summary>
/// Checks a moment-of-truth pattern. For now: not empty and balanced brackets; the pattern engine replaces this with
/// a full compile (syntax and limits) behind the same signature.
/// </summary>
internal static class MomentOfTruthPatternCheck
{
    public static bool Validate(string pattern, out string? error, out int column)
    {
        if (string.IsNullOrWhiteSpace(pattern))
        {
            error = "the pattern is empty";
            column = 1;
            return false;
        }

        var open = new Stack<(char Close, int Column)>();
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            char close = c switch { '(' => ')', '[' => ']', '{' => '}', _ => '\0' };
            if (close != '\0')
            {
                open.Push((close, i + 1));
            }
            else if (c is ')' or ']' or '}')
            {
                if (open.Count == 0 || open.Peek().Close != c)
                {
                    error = $"unexpected '{c}'";
                    column = i + 1;
                    return false;
                }

                open.Pop();
            }
        }

        if (open.Count > 0)
        {
            (char expected, int at) = open.Peek();
            error = $"missing '{expected}' for the bracket opened here";
            column = at;
            return false;
        }

        error = null;
        column = 0;
        return true;
    }
}
