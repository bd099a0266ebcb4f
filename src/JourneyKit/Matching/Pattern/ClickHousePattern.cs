using System.Globalization;
using System.Text;
using JourneyKit.Model.Patterns;

namespace JourneyKit.Matching.Pattern;

/// <summary>
/// ClickHouse's <c>sequenceMatch</c> / <c>sequenceCount</c> patterns (<c>(?N)</c>, <c>.</c>, <c>.*</c>,
/// <c>(?t op N)</c> with <c>&lt;</c>, <c>&lt;=</c>, <c>&gt;</c>, <c>&gt;=</c>, <c>==</c>) over a list of conditions,
/// translated into the JourneyKit pattern language and run on events that satisfy at least one condition (ClickHouse
/// keeps only those rows). See docs/patterns.md ("ClickHouse sequenceMatch") for the translation table.
/// </summary>
/// <remarks>
/// <para>Conditions are written in the pattern language's atom syntax: a touchpoint (<c>cart.add</c>), a set
/// (<c>[a b]</c>), predicates (<c>pay{value&gt;100}</c>, <c>.{channel=web}</c>). <c>N</c> in <c>(?t op N)</c> is
/// seconds (ClickHouse's DateTime unit); values beyond the largest <see cref="TimeSpan"/> are unbounded.</para>
/// <para>As in ClickHouse, a time condition measures from the event matched just before it, or, after <c>.*</c>,
/// from the first event after the events <c>.*</c> skipped; events in between do not matter. A time condition at the
/// very end with <c>&lt;</c> or <c>&lt;=</c> (which ClickHouse also satisfies when the events run out) is refused.</para>
/// <threadsafety>All members are thread-safe.</threadsafety>
/// </remarks>
public static class ClickHousePattern
{
    /// <summary>The most conditions ClickHouse accepts (its events are a 32-bit set).</summary>
    public const int MaxConditions = 32;

    /// <summary>Translates a ClickHouse pattern into the JourneyKit pattern language.</summary>
    /// <param name="pattern">The ClickHouse pattern, e.g. <c>(?1).*(?t&gt;3600)(?2)</c>.</param>
    /// <param name="conditions">The conditions <c>(?1)</c>, <c>(?2)</c>, … refer to, in atom syntax.</param>
    /// <returns>The JourneyKit pattern, e.g. <c>(a) .* . ~~(&gt;3600s) (b)</c>; it matches as ClickHouse does when run over
    /// the events that satisfy some condition (<see cref="Compile"/> does that).</returns>
    /// <exception cref="PatternSyntaxException">The pattern or a condition is invalid; the message points at the column.</exception>
    public static string Translate(string pattern, IReadOnlyList<string> conditions)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(conditions);
        ValidateConditions(conditions, new PatternOptions());
        List<Action> actions = ParseActions(pattern, conditions.Count);
        var sb = new StringBuilder();
        void Emit(string item) => sb.Append(sb.Length == 0 ? string.Empty : " ").Append(item);
        char previous = 'S'; // the implicit leading .* of every ClickHouse pattern
        for (int i = 0; i < actions.Count; i++)
        {
            Action a = actions[i];
            bool last = actions.FindIndex(i + 1, x => x.Kind is 'E' or '.') < 0; // no event after it, only .* and time conditions: it needs an event of its own
            switch (a.Kind)
            {
                case 'E':
                    Emit("(" + conditions[a.Event] + ")");
                    break;
                case '.':
                    Emit(".");
                    break;
                case 'S':
                    Emit(".*");
                    break;
                default:
                {
                    bool zeroInside = a.MinTicks == 0;
                    if (previous == 'S')
                    {
                        // The time is measured from where .* stopped: the event after the skipped ones.
                        if (zeroInside)
                        {
                            if (last && a.Op == "==")
                            {
                                throw new PatternSyntaxException(PatternError.UnexpectedToken, a.Offset, "a final '(?t==0)' after '.*' is not supported (ClickHouse fails it only when no event is left)", pattern);
                            }

                            break; // that event itself satisfies it: no constraint
                        }

                        if (last)
                        {
                            throw FinalNeedsEvent(a, pattern);
                        }

                        Emit(". ~~(" + Bounds(a) + ")");
                    }
                    else if (last)
                    {
                        if (a.Op is "<" or "<=")
                        {
                            throw new PatternSyntaxException(PatternError.UnexpectedToken, a.Offset, $"a final '(?t{a.Op}…)' is not supported: ClickHouse also counts it as met when no event is left, which a JourneyKit pattern cannot say; drop it or add an event after it", pattern);
                        }

                        if (!(a.Op == ">=" && zeroInside))
                        {
                            throw FinalNeedsEvent(a, pattern);
                        }
                    }
                    else
                    {
                        Emit("~~(" + Bounds(a) + ")");
                    }

                    break;
                }
            }

            previous = a.Kind == '.' ? 'E' : a.Kind;
        }

        if (sb.Length == 0 || actions.TrueForAll(a => a.Kind is 'S' or 'T'))
        {
            throw new PatternSyntaxException(PatternError.MatchesEmpty, 0, "the pattern names no event ('(?N)' or '.')", pattern);
        }

        return sb.ToString();
    }

    /// <summary>
    /// A final time condition that an event must meet (<c>&gt;</c>, <c>&gt;=</c> above 0, <c>==</c>): ClickHouse checks it on
    /// the next event without using that event up, so <c>sequenceCount</c> starts its next match there; a JourneyKit
    /// pattern can only require the event as part of the match (the count would differ), so it is refused with the
    /// equivalent that counts the same.
    /// </summary>
    private static PatternSyntaxException FinalNeedsEvent(Action a, string pattern) =>
        new(PatternError.UnexpectedToken, a.Offset, $"a final '(?t{a.Op}…)' is not supported: ClickHouse checks it on the next event without using that event up (sequenceCount starts its next match there), which a JourneyKit pattern cannot say; add '.' after it to require that event as part of the match", pattern);

    /// <summary>Compiles a ClickHouse pattern: <see cref="Translate"/>, run only over events satisfying some condition.</summary>
    /// <param name="pattern">The ClickHouse pattern.</param>
    /// <param name="conditions">The conditions, in atom syntax.</param>
    /// <param name="options">Limits; null for the defaults.</param>
    /// <returns>The compiled pattern; <see cref="PatternMatch.Matched"/> is <c>sequenceMatch</c> and
    /// <see cref="PatternMatch.Count"/> is <c>sequenceCount</c>.</returns>
    /// <exception cref="PatternSyntaxException">The pattern or a condition is invalid.</exception>
    public static CompiledPattern Compile(string pattern, IReadOnlyList<string> conditions, PatternOptions? options = null)
    {
        string native = Translate(pattern, conditions);
        options ??= new PatternOptions();
        EventCondition[] visible = ValidateConditions(conditions, options);
        return CompiledPattern.CompileVisible(native, visible, options);
    }

    private static EventCondition[] ValidateConditions(IReadOnlyList<string> conditions, PatternOptions options)
    {
        if (conditions.Count == 0 || conditions.Count > MaxConditions)
        {
            throw new ArgumentException($"ClickHouse patterns take 1 to {MaxConditions} conditions; got {conditions.Count}.", nameof(conditions));
        }

        var result = new EventCondition[conditions.Count];
        for (int i = 0; i < conditions.Count; i++)
        {
            string text = conditions[i] ?? throw new ArgumentException("A condition is null.", nameof(conditions));
            PatternTree tree;
            try
            {
                tree = PatternParser.Parse(text, options);
            }
            catch (PatternSyntaxException e)
            {
                throw new PatternSyntaxException(e.Error, e.Offset, $"condition {i + 1}: {e.Detail}", text);
            }

            if (tree.Root is not AtomNode atom || tree.AnchorStart || tree.AnchorEnd || tree.Within is not null)
            {
                throw new PatternSyntaxException(PatternError.UnexpectedToken, 0, $"condition {i + 1} must be one event: a touchpoint, '[…]' or '.', with optional '{{…}}' predicates", text);
            }

            if (tree.Variable is not null)
            {
                throw new PatternSyntaxException(PatternError.InvalidVariable, text.IndexOf('$', StringComparison.Ordinal), $"condition {i + 1}: ClickHouse patterns hold no variables; write the pattern in this language to hold an attribute constant", text);
            }

            result[i] = atom.Condition;
        }

        return result;
    }

    private static string Bounds(Action a) => a.Op + a.Seconds.ToString(CultureInfo.InvariantCulture) + "s";

    private static List<Action> ParseActions(string pattern, int conditionCount)
    {
        var actions = new List<Action>();
        int pos = 0;
        char previous = 'S';
        while (pos < pattern.Length)
        {
            if (char.IsWhiteSpace(pattern[pos]))
            {
                pos++;
                continue;
            }

            int at = pos;
            if (string.CompareOrdinal(pattern, pos, "(?t", 0, 3) == 0)
            {
                pos += 3;
                string op = pattern.AsSpan(pos).StartsWith("<=") ? "<=" : pattern.AsSpan(pos).StartsWith(">=") ? ">=" : pattern.AsSpan(pos).StartsWith("==") ? "=="
                    : pos < pattern.Length && pattern[pos] is '<' or '>' ? pattern[pos].ToString() : throw Error(PatternError.UnexpectedToken, pos, "unknown time condition; use <, <=, >, >= or ==", pattern);
                pos += op.Length;
                ulong seconds = ReadNumber(pattern, ref pos);
                Close(pattern, ref pos, at);
                if (previous == 'T')
                {
                    throw Error(PatternError.UnexpectedToken, at, "a time condition must follow an event condition, '.' or '.*' (ClickHouse: 'Temporal condition should be preceded by an event condition')", pattern);
                }

                long n = seconds > (ulong)(long.MaxValue / TimeSpan.TicksPerSecond) ? long.MaxValue : (long)seconds * TimeSpan.TicksPerSecond;
                (long min, long max) = op switch
                {
                    "<" => n == 0 ? throw Error(PatternError.InvalidDuration, at, "'(?t<0)' can never hold", pattern) : (0L, n == long.MaxValue ? long.MaxValue : n - 1),
                    "<=" => (0L, n),
                    ">" => n == long.MaxValue ? throw Error(PatternError.InvalidDuration, at, "this time condition can never hold", pattern) : (n + 1, long.MaxValue),
                    ">=" => (n, long.MaxValue),
                    _ => (n, n),
                };
                actions.Add(new Action('T', -1, op, min, max, at, seconds));
                previous = 'T';
            }
            else if (string.CompareOrdinal(pattern, pos, "(?", 0, 2) == 0)
            {
                pos += 2;
                ulong k = ReadNumber(pattern, ref pos);
                Close(pattern, ref pos, at);
                if (k < 1 || k > (ulong)conditionCount)
                {
                    throw Error(PatternError.UnexpectedToken, at, $"event number {k} is out of range: there are {conditionCount} conditions, numbered from 1", pattern);
                }

                actions.Add(new Action('E', (int)k - 1, string.Empty, 0, 0, at, 0));
                previous = 'E';
            }
            else if (string.CompareOrdinal(pattern, pos, ".*", 0, 2) == 0)
            {
                pos += 2;
                actions.Add(new Action('S', -1, string.Empty, 0, 0, at, 0));
                previous = 'S';
            }
            else if (pattern[pos] == '.')
            {
                pos++;
                actions.Add(new Action('.', -1, string.Empty, 0, 0, at, 0));
                previous = 'E';
            }
            else
            {
                throw Error(PatternError.UnexpectedToken, pos, "could not parse the pattern: expected '(?N)', '(?t op N)', '.' or '.*'", pattern);
            }
        }

        return actions;
    }

    private static ulong ReadNumber(string pattern, ref int pos)
    {
        int start = pos;
        while (pos < pattern.Length && char.IsAsciiDigit(pattern[pos]))
        {
            pos++;
        }

        return pos > start && ulong.TryParse(pattern.AsSpan(start, pos - start), NumberStyles.None, CultureInfo.InvariantCulture, out ulong n)
            ? n
            : throw Error(PatternError.UnexpectedToken, start, pos > start ? "the number is too large (ClickHouse's UInt64)" : "could not parse a number", pattern);
    }

    private static void Close(string pattern, ref int pos, int open)
    {
        if (pos >= pattern.Length || pattern[pos] != ')')
        {
            throw Error(PatternError.Unclosed, open, "expected ')'", pattern);
        }

        pos++;
    }

    private static PatternSyntaxException Error(PatternError error, int offset, string detail, string pattern) => new(error, offset, detail, pattern);

    private readonly record struct Action(char Kind, int Event, string Op, long MinTicks, long MaxTicks, int Offset, ulong Seconds);
}
