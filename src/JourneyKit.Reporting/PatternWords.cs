using System.Text;

namespace JourneyKit.Reporting;

/// <summary>
/// Moments of truth in plain words, for the common shape of their patterns: touchpoints in order, <c>.*</c> between
/// them ("later"), an optional <c>within D</c> at the end — "Payment failed, later Call centre enquiry, all within
/// 2 days". Any other syntax (groups, alternation, sets, predicates, counts) is left to the pattern shown beside it.
/// </summary>
internal static class PatternWords
{
    /// <summary>The bare words and quoted names of a pattern (touchpoint candidates and keywords).</summary>
    public static List<string> Tokens(string pattern)
    {
        var tokens = new List<string>();
        int i = 0;
        while (i < pattern.Length)
        {
            char c = pattern[i];
            if (c == '"')
            {
                int end = pattern.IndexOf('"', i + 1);
                end = end < 0 ? pattern.Length : end;
                tokens.Add(pattern[(i + 1)..end]);
                i = end + 1;
            }
            else if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else
            {
                int start = i;
                while (i < pattern.Length && !char.IsWhiteSpace(pattern[i]) && pattern[i] != '"')
                {
                    i++;
                }

                tokens.Add(pattern[start..i]);
            }
        }

        return tokens;
    }

    /// <summary>The pattern in words, or null when it uses more than a sequence with gaps and one time limit.</summary>
    public static string? Describe(string pattern, ReportNames names)
    {
        List<string> tokens = Tokens(pattern);
        var text = new StringBuilder();
        bool later = false;
        for (int i = 0; i < tokens.Count; i++)
        {
            string t = tokens[i];
            if (t == ".*")
            {
                later = true;
                continue;
            }

            if (t == "within" && i == tokens.Count - 2 && text.Length > 0 && Duration.TryParse(tokens[i + 1], out TimeSpan limit))
            {
                text.Append(", all within ").Append(DisplayFormat.Duration(limit));
                return text.ToString();
            }

            if (t.Length == 0 || t == "." || t.IndexOfAny(['(', ')', '|', '[', ']', '?', '*', '+', '{', '}', '!', '^', '$', '~', '@', '<', '>', '=', ',']) >= 0 || t == "within")
            {
                return null;
            }

            text.Append(text.Length == 0 ? string.Empty : later ? ", later " : ", straight after that ").Append(names.Touchpoint(t));
            later = false;
        }

        return text.Length == 0 ? null : text.ToString();
    }
}
