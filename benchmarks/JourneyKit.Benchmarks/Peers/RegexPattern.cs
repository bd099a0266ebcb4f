using System.Text;
using System.Text.RegularExpressions;
using JourneyKit.Events;

namespace JourneyKit.Benchmarks.Peers;

/// <summary>
/// The .NET Regex peer: each customer's touchpoints encoded as one character per event (touchpoint id + 'A', in the
/// private-use plane when ids are large), searched with a compiled or NonBacktracking regex. Patterns without time
/// constraints only; encoding is done once, outside the timed region.
/// </summary>
public sealed class RegexPattern
{
    private readonly string[] _customerStrings;

    public RegexPattern(EventBatch batch)
    {
        _customerStrings = new string[batch.CustomerCount];
        var sb = new StringBuilder();
        for (int run = 0; run < batch.CustomerCount; run++)
        {
            sb.Clear();
            for (int i = batch.CustomerStarts[run]; i < batch.CustomerStarts[run + 1]; i++)
            {
                sb.Append(Encode(batch.TouchpointIds[i]));
            }

            _customerStrings[run] = sb.ToString();
        }
    }

    public static char Encode(int touchpointId) => (char)(0xE000 + touchpointId);

    /// <summary>The regex character for a touchpoint of <paramref name="batch"/>.</summary>
    public static string Char(EventBatch batch, string touchpoint) =>
        batch.Touchpoints.TryGetId(touchpoint, out int id) ? Regex.Escape(Encode(id).ToString()) : "(?!)";

    public int CountMatches(Regex regex)
    {
        int matched = 0;
        foreach (string s in _customerStrings)
        {
            if (regex.IsMatch(s))
            {
                matched++;
            }
        }

        return matched;
    }

    /// <summary>The number of non-overlapping matches over every customer (each string read to its end).</summary>
    public int CountAll(Regex regex)
    {
        int matched = 0;
        foreach (string s in _customerStrings)
        {
            matched += regex.Count(s);
        }

        return matched;
    }

    public int[] Counts(Regex regex)
    {
        var result = new int[_customerStrings.Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = regex.Count(_customerStrings[i]);
        }

        return result;
    }

    public bool[] Matches(Regex regex)
    {
        var result = new bool[_customerStrings.Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = regex.IsMatch(_customerStrings[i]);
        }

        return result;
    }
}
