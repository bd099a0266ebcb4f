using System.Globalization;
using System.Text;

namespace JourneyKit.Model.Patterns;

/// <summary>A parsed pattern: the tree, anchors and window. See docs/patterns.md for the grammar.</summary>
internal sealed record PatternTree(PatternNode Root, bool AnchorStart, bool AnchorEnd, TimeSpan? Within)
{
    /// <summary>Gets the trailing <c>!(X within D)</c>: after the match of <see cref="Root"/>, no event satisfying it for
    /// D (then the match completes at the deadline), or null.</summary>
    public AbsenceNode? Absence { get; init; }

    /// <summary>Gets the pattern's variable (<c>$o</c> in <c>{order_id=$o}</c>, without the '$'), or null.</summary>
    public string? Variable { get; init; }
}

/// <summary><c>!(X within D)</c> at the end of a pattern: no event satisfying X for D after the last matched event.</summary>
internal sealed record AbsenceNode(int Offset, EventCondition Condition, long Ticks) : PatternNode(Offset);

/// <summary>A node of the pattern tree, with its offset in the text for errors.</summary>
internal abstract record PatternNode(int Offset);

/// <summary>One event matching a condition.</summary>
internal sealed record AtomNode(int Offset, EventCondition Condition) : PatternNode(Offset);

/// <summary>Items in order; <see cref="Gaps"/>[i] constrains entering item i from item i − 1.</summary>
internal sealed record SeqNode(int Offset, IReadOnlyList<PatternNode> Items, IReadOnlyList<GapBounds?> Gaps) : PatternNode(Offset);

/// <summary>Any one of the alternatives.</summary>
internal sealed record AltNode(int Offset, IReadOnlyList<PatternNode> Options) : PatternNode(Offset);

/// <summary>The inner node repeated Min..Max times (Max = -1: unbounded).</summary>
internal sealed record RepeatNode(int Offset, PatternNode Inner, int Min, int Max) : PatternNode(Offset);

/// <summary>The time allowed between two consecutive events of a match, inclusive.</summary>
internal readonly record struct GapBounds(long MinTicks, long MaxTicks)
{
    /// <summary>Gets whether a time difference is inside the bounds.</summary>
    public bool Contains(long ticks) => ticks >= MinTicks && ticks <= MaxTicks;
}

/// <summary>
/// <c>~~(min..max)</c> between two items: any number of events (like <c>.*</c>), and the next item's first event comes
/// min..max after the last event before the skip, whatever lies between.
/// </summary>
internal sealed record SkipNode(int Offset, GapBounds Bounds) : PatternNode(Offset)
{
    /// <summary>Gets the event that may not come among the skipped events within <see cref="ForbidTicks"/> of the item
    /// before (an absence followed by more items, <c>a !(c within D) b</c>), or null.</summary>
    public EventCondition? Forbid { get; init; }

    /// <summary>Gets how long after the item before <see cref="Forbid"/> may not come (inclusive).</summary>
    public long ForbidTicks { get; init; }
}

/// <summary><c>(… within D)</c>: a group whose events span at most <see cref="MaxTicks"/> (last − first, inclusive).</summary>
internal sealed record WithinNode(int Offset, PatternNode Inner, long MaxTicks) : PatternNode(Offset);

/// <summary>Recursive-descent parser with bounded depth; every error names its offset.</summary>
internal sealed class PatternParser
{
    private const int MaxRepeat = 100_000;
    private readonly string _text;
    private readonly PatternOptions _options;
    private int _pos;
    private int _depth;
    private int _absences;
    private readonly List<int> _absenceAt = []; // absences not (yet) between two items

    /// <summary>Gets the variable seen so far, or null.</summary>
    private string? Variable { get; set; }

    private PatternParser(string text, PatternOptions options)
    {
        _text = text;
        _options = options;
    }

    public static PatternTree Parse(string text, PatternOptions options)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > options.MaxLength)
        {
            throw new PatternSyntaxException(PatternError.TooLong, options.MaxLength, $"the pattern is {text.Length} characters long; the limit is {options.MaxLength}", text[..Math.Min(text.Length, 80)]);
        }

        return new PatternParser(text, options).ParsePattern();
    }

    private PatternTree ParsePattern()
    {
        SkipSpace();
        bool start = false;
        if (Peek() == '^')
        {
            start = true;
            _pos++;
        }

        PatternNode root = ParseAlternation();
        SkipSpace();
        bool end = false;
        if (Peek() == '$')
        {
            end = true;
            _pos++;
            SkipSpace();
        }

        TimeSpan? within = null;
        if (IsKeyword("within"))
        {
            _pos += "within".Length;
            SkipSpace();
            within = ReadWithin();
        }

        if (_pos < _text.Length)
        {
            char c = _text[_pos];
            throw c is '^' or '$'
                ? Error(PatternError.MisplacedAnchor, _pos, $"'{c}' may only start ('^') or end ('$') the whole pattern")
                : c == ')' ? Error(PatternError.UnexpectedToken, _pos, "')' without a matching '('")
                : Error(PatternError.UnexpectedToken, _pos, $"unexpected '{c}'");
        }

        AbsenceNode? absence = null;
        if (root is SeqNode { Items: [.., AbsenceNode last] } seq)
        {
            absence = last;
            root = seq.Items.Count == 2 ? seq.Items[0] : seq with { Items = seq.Items.Take(seq.Items.Count - 1).ToList(), Gaps = seq.Gaps.Take(seq.Gaps.Count - 1).ToList() };
            if (end)
            {
                throw Error(PatternError.MisplacedAnchor, _text.LastIndexOf('$'), "'$' cannot follow an absence '!(… within D)': the match ends at its deadline");
            }
        }

        if (_absences > (absence is null ? 0 : 1))
        {
            throw Error(PatternError.UnexpectedToken, _absenceAt[0], "an absence '!(X within D)' ends the whole pattern or stands between two items of a sequence (after at least one item)");
        }

        if (absence is not null && UsesVariable(absence.Condition) && !Binds(root))
        {
            throw UnboundInAbsence(absence.Offset);
        }

        return new PatternTree(root, start, end, within) { Absence = absence, Variable = Variable };
    }

    private static bool UsesVariable(EventCondition condition) => condition.Attributes.Any(a => a.Variable is not null);

    private PatternSyntaxException UnboundInAbsence(int absenceAt) =>
        Error(PatternError.InvalidVariable, _text.IndexOf('$', absenceAt), $"'${Variable}' in the absence must be bound by every match before it (an absence cannot bind: it is the event that does not come)");

    /// <summary>Whether every match of <paramref name="node"/> has an event with a variable use (so binds it).</summary>
    private static bool Binds(PatternNode node) => node switch
    {
        AtomNode atom => UsesVariable(atom.Condition),
        SeqNode seq => seq.Items.Any(Binds),
        AltNode alt => alt.Options.All(Binds),
        RepeatNode repeat => repeat.Min > 0 && Binds(repeat.Inner),
        WithinNode within => Binds(within.Inner),
        _ => false,
    };

    /// <summary>Reads the duration after <c>within</c> (unbounded beyond the largest TimeSpan, like ClickHouse's UInt64 seconds).</summary>
    private TimeSpan ReadWithin()
    {
        int at = _pos;
        string word = ReadWhile(c => !char.IsWhiteSpace(c) && c != ')');
        TimeSpan w = ParseDuration(word, at);
        SkipSpace();
        return w;
    }

    private TimeSpan ParseDuration(string word, int at)
    {
        if (!Duration.TryParse(word, DurationStyles.None, out TimeSpan w, out DurationParseError error))
        {
            throw Error(PatternError.InvalidDuration, at, error == DurationParseError.Empty ? "a duration is required, e.g. 30m, 1h, 2d" : Duration.ErrorMessage(word, error));
        }

        return w;
    }

    private PatternNode ParseAlternation()
    {
        int at = _pos;
        var options = new List<PatternNode> { ParseSequence() };
        while (Peek() == '|')
        {
            _pos++;
            options.Add(ParseSequence());
        }

        return options.Count == 1 ? options[0] : new AltNode(at, options);
    }

    private PatternNode ParseSequence()
    {
        SkipSpace();
        int at = _pos;
        var items = new List<PatternNode>();
        var gaps = new List<GapBounds?>();
        while (true)
        {
            SkipSpace();
            char c = Peek();
            if (c is '\0' or '|' or ')' or '$' || IsKeyword("within"))
            {
                break;
            }

            if (c == '~' && PeekAt(1) == '~')
            {
                int skipAt = _pos;
                _pos++;
                GapBounds bounds = ParseGap();
                if (items.Count == 0 || items[^1] is SkipNode)
                {
                    throw Error(PatternError.UnexpectedToken, skipAt, "a time gap '~~(…)' must stand between two items");
                }

                items.Add(new SkipNode(skipAt, bounds));
                gaps.Add(null);
                SkipSpace();
                if (Peek() is '\0' or '|' or ')' or '$' || IsKeyword("within") || (Peek() == '~' && PeekAt(1) == '~'))
                {
                    throw Error(PatternError.UnexpectedToken, skipAt, "a time gap '~~(…)' must stand between two items");
                }

                continue;
            }

            if (c == '!')
            {
                items.Add(ParseAbsence(items.Count == 0));
                gaps.Add(null);
                continue;
            }

            GapBounds? gap = null;
            if (c == '~')
            {
                gap = ParseGap();
                SkipSpace();
            }

            int itemAt = _pos;
            PatternNode item = ParseQuantified();
            if (gap is not null && items.Count == 0)
            {
                throw Error(PatternError.UnexpectedToken, itemAt, "a gap '~(…)' must stand between two items");
            }

            items.Add(item);
            gaps.Add(gap);
        }

        if (items.Count == 0)
        {
            throw Error(PatternError.UnexpectedToken, at, Peek() == '\0' ? "expected an event (a touchpoint, '.', '[…]' or '(…)')" : $"expected an event before '{Peek()}'");
        }

        for (int k = 0; k < items.Count - 1; k++)
        {
            if (items[k] is AbsenceNode absence)
            {
                items[k] = AbsenceThenMore(absence, items, k);
            }
        }

        return items.Count == 1 ? items[0] : new SeqNode(at, items, gaps);
    }

    /// <summary>
    /// <c>A !(C within D) B</c>: no C within D after A's last event, then B after that window — any events between (as
    /// <c>~~(&gt;D)</c>), those within D of A not satisfying C. Built as a time gap that also forbids C in the window.
    /// </summary>
    private SkipNode AbsenceThenMore(AbsenceNode absence, List<PatternNode> items, int k)
    {
        if (absence.Ticks == long.MaxValue)
        {
            throw Error(PatternError.InvalidDuration, absence.Offset, "an absence for an unbounded time leaves no time for the items after it");
        }

        if (items[k - 1] is SkipNode || items[k + 1] is SkipNode or AbsenceNode)
        {
            throw Error(PatternError.UnexpectedToken, absence.Offset, "an absence '!(X within D)' stands between two items (not next to a time gap '~~(…)' or another absence)");
        }

        if (UsesVariable(absence.Condition) && !Binds(new SeqNode(absence.Offset, items.Take(k).ToList(), [.. Enumerable.Repeat<GapBounds?>(null, k)])))
        {
            throw UnboundInAbsence(absence.Offset);
        }

        _absences--;
        _absenceAt.Remove(absence.Offset);
        return new SkipNode(absence.Offset, new GapBounds(absence.Ticks + 1, long.MaxValue)) { Forbid = absence.Condition, ForbidTicks = absence.Ticks };
    }

    /// <summary>Reads <c>!(X within D)</c>: X one event (touchpoint, set or '.', with predicates).</summary>
    private AbsenceNode ParseAbsence(bool first)
    {
        int at = _pos;
        _absences++;
        _absenceAt.Add(at);
        _pos++;
        if (first)
        {
            throw Error(PatternError.UnexpectedToken, at, "an absence '!(X within D)' must follow an item: it is measured from that item's last event");
        }

        if (Peek() != '(')
        {
            throw Error(PatternError.UnexpectedToken, _pos, "an absence is written '!(X within D)', e.g. '!(support.call within 10m)'");
        }

        _pos++;
        SkipSpace();
        PatternNode inner = ParsePrimary();
        if (inner is not AtomNode atom)
        {
            throw Error(PatternError.UnexpectedToken, at + 2, "an absence names one event: a touchpoint, '[…]' or '.', with optional '{…}' predicates");
        }

        SkipSpace();
        if (!IsKeyword("within"))
        {
            throw Error(PatternError.UnexpectedToken, _pos, "an absence needs its time: '!(X within D)'");
        }

        _pos += "within".Length;
        SkipSpace();
        TimeSpan d = ReadWithin();
        if (Peek() != ')')
        {
            throw Error(PatternError.Unclosed, at, "'!(' is not closed");
        }

        _pos++;
        return new AbsenceNode(at, atom.Condition, d == TimeSpan.MaxValue ? long.MaxValue : d.Ticks);
    }

    private PatternNode ParseQuantified()
    {
        PatternNode node = ParsePrimary();
        while (true)
        {
            int at = _pos;
            char c = Peek();
            if (c == '?')
            {
                _pos++;
                node = new RepeatNode(at, node, 0, 1);
            }
            else if (c == '*')
            {
                _pos++;
                node = new RepeatNode(at, node, 0, -1);
            }
            else if (c == '+')
            {
                _pos++;
                node = new RepeatNode(at, node, 1, -1);
            }
            else if (c == '{' && _pos + 1 < _text.Length && char.IsAsciiDigit(_text[_pos + 1]))
            {
                _pos++;
                int min = ReadCount(at);
                int max = min;
                if (Peek() == ',')
                {
                    _pos++;
                    max = char.IsAsciiDigit(Peek()) ? ReadCount(at) : -1;
                }

                if (Peek() != '}')
                {
                    throw Error(PatternError.Unclosed, at, "a quantifier '{m,n}' is not closed");
                }

                _pos++;
                if (max != -1 && max < min)
                {
                    throw Error(PatternError.InvalidQuantifier, at, $"{{{min},{max}}}: the maximum is below the minimum");
                }

                node = new RepeatNode(at, node, min, max);
            }
            else
            {
                return node;
            }
        }
    }

    private PatternNode ParsePrimary()
    {
        int at = _pos;
        char c = Peek();
        EventCondition condition;
        if (c == '(')
        {
            if (++_depth > _options.MaxDepth)
            {
                throw Error(PatternError.TooDeep, at, $"groups nest deeper than {_options.MaxDepth}");
            }

            _pos++;
            PatternNode inner = ParseAlternation();
            SkipSpace();
            if (IsKeyword("within"))
            {
                int withinAt = _pos;
                _pos += "within".Length;
                SkipSpace();
                TimeSpan w = ReadWithin();
                inner = new WithinNode(withinAt, inner, w == TimeSpan.MaxValue ? long.MaxValue : w.Ticks);
            }

            if (Peek() != ')')
            {
                throw Error(PatternError.Unclosed, at, "'(' is not closed");
            }

            _pos++;
            _depth--;
            return inner;
        }

        if (c == '[')
        {
            _pos++;
            bool negated = Peek() == '^';
            if (negated)
            {
                _pos++;
            }

            var names = new List<string>();
            while (true)
            {
                while (char.IsWhiteSpace(Peek()) || Peek() is '|' or ',')
                {
                    _pos++;
                }

                if (Peek() == ']')
                {
                    _pos++;
                    break;
                }

                if (Peek() == '\0')
                {
                    throw Error(PatternError.Unclosed, at, "'[' is not closed");
                }

                names.Add(ReadName());
            }

            if (names.Count == 0)
            {
                throw Error(PatternError.UnexpectedToken, at, "a touchpoint set '[…]' needs at least one touchpoint");
            }

            condition = negated ? EventCondition.NotTouchpoints([.. names]) : EventCondition.Touchpoints([.. names]);
        }
        else if (c == '.' && !IsNameChar(PeekAt(1)))
        {
            _pos++;
            condition = EventCondition.Any;
        }
        else if (c == '"' || IsNameChar(c))
        {
            condition = EventCondition.Touchpoint(ReadName());
        }
        else if (c is '^' or '$')
        {
            throw Error(PatternError.MisplacedAnchor, at, $"'{c}' may only start ('^') or end ('$') the whole pattern");
        }
        else
        {
            throw Error(PatternError.UnexpectedToken, at, c == '\0' ? "the pattern ends where an event was expected" : $"unexpected '{c}'");
        }

        if (Peek() == '{' && !(PeekAt(1) is >= '0' and <= '9'))
        {
            condition = ParsePredicates(condition);
        }

        return new AtomNode(at, condition);
    }

    private EventCondition ParsePredicates(EventCondition condition)
    {
        int open = _pos;
        _pos++;
        while (true)
        {
            SkipSpace();
            int at = _pos;
            string key = ReadWhile(ch => char.IsLetterOrDigit(ch) || ch is '_' or '.' or '-');
            if (key.Length == 0)
            {
                throw Error(PatternError.InvalidPredicate, at, "expected 'channel=…', 'value>…' or 'attribute=…'");
            }

            SkipSpace();
            int opAt = _pos;
            string op = ReadWhile(ch => ch is '=' or '!' or '<' or '>');
            SkipSpace();
            int valueAt = _pos;
            bool quoted = Peek() == '"';
            string value = quoted ? ReadQuoted() : ReadWhile(ch => !char.IsWhiteSpace(ch) && ch is not ',' and not '}');
            if (value.Length == 0)
            {
                throw Error(PatternError.InvalidPredicate, valueAt, $"'{key}{op}' needs a value");
            }

            if (!quoted && value[0] == '$')
            {
                condition = condition.WithAttribute(ParseVariable(key, op, value, opAt, valueAt));
            }
            else if (key == "value")
            {
                ValueComparison cmp = op switch
                {
                    "=" or "==" => ValueComparison.Equal,
                    "!=" => ValueComparison.NotEqual,
                    "<" => ValueComparison.Less,
                    "<=" => ValueComparison.LessOrEqual,
                    ">" => ValueComparison.Greater,
                    ">=" => ValueComparison.GreaterOrEqual,
                    _ => throw Error(PatternError.InvalidPredicate, opAt, $"'{op}' is not a comparison (use = != < <= > >=)"),
                };
                if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) || !double.IsFinite(number))
                {
                    throw Error(PatternError.InvalidPredicate, valueAt, $"'{value}' is not a number");
                }

                condition = condition.WithValue(cmp, number);
            }
            else if (op is "=" or "!=")
            {
                string[] values = value.Split('|', StringSplitOptions.RemoveEmptyEntries);
                if (values.Length == 0)
                {
                    throw Error(PatternError.InvalidPredicate, valueAt, $"'{key}{op}' needs at least one value ('{value}' has none between its '|')");
                }

                if (key == "channel" && op == "=")
                {
                    foreach (string v in values)
                    {
                        if (string.IsNullOrWhiteSpace(v))
                        {
                            throw Error(PatternError.InvalidPredicate, valueAt, "a channel name cannot be blank");
                        }
                    }

                    condition = condition.WithChannels([.. values.Select(v => new Model.Channel(v))]);
                }
                else
                {
                    condition = condition.WithAttribute(new AttributeCondition(key, values, isNegated: op == "!="));
                }
            }
            else
            {
                throw Error(PatternError.InvalidPredicate, opAt, $"'{key}' takes '=' or '!='; only 'value' compares with '{op}'");
            }

            SkipSpace();
            if (Peek() == ',')
            {
                _pos++;
                continue;
            }

            if (Peek() == '}')
            {
                _pos++;
                return condition;
            }

            throw Error(PatternError.Unclosed, open, "'{' is not closed");
        }
    }

    /// <summary>Checks <c>key=$name</c>: one variable per pattern, compared with '=' only, on an attribute.</summary>
    private AttributeCondition ParseVariable(string key, string op, string value, int opAt, int valueAt)
    {
        string name = value[1..];
        if (name.Contains('|', StringComparison.Ordinal))
        {
            throw Error(PatternError.InvalidVariable, valueAt, $"a variable is one value, not one of several ('{value}')");
        }

        if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_') || !name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_'))
        {
            throw Error(PatternError.InvalidVariable, valueAt, $"'{value}' is not a variable: write '$' and a name of letters, digits and '_' (e.g. '$order'); quote a literal value that starts with '$'");
        }

        if (key is "value" or "channel")
        {
            throw Error(PatternError.InvalidVariable, valueAt, $"only an attribute can hold a variable ('{key}={value}' is not supported)");
        }

        if (op != "=")
        {
            throw Error(PatternError.InvalidVariable, opAt, $"a variable is compared with '=' only ('{key}{op}{value}')");
        }

        if (Variable is { } first && first != name)
        {
            throw Error(PatternError.InvalidVariable, valueAt, $"a pattern holds at most one variable; '${first}' is already used");
        }

        Variable = name;

        return new AttributeCondition(key, name);
    }

    /// <summary>
    /// Reads <c>~(…)</c> (the caller has skipped a first '~' of <c>~~</c>): <c>min..max</c> with either side optional,
    /// or a comparison <c>&lt;D</c>, <c>&lt;=D</c>, <c>&gt;D</c>, <c>&gt;=D</c>, <c>==D</c> (ClickHouse's <c>(?t op N)</c>;
    /// strict bounds are one tick inside).
    /// </summary>
    private GapBounds ParseGap()
    {
        int at = _pos;
        _pos++; // '~'
        if (Peek() != '(')
        {
            throw Error(PatternError.UnexpectedToken, _pos, "a gap is written '~(min..max)', e.g. '~(5m..1h)' or '~(..30m)'");
        }

        _pos++;
        int insideAt = _pos;
        string inside = ReadWhile(ch => ch != ')');
        if (Peek() != ')')
        {
            throw Error(PatternError.Unclosed, at, "'~(' is not closed");
        }

        _pos++;
        string trimmed = inside.Trim();
        int lead = inside.Length - inside.TrimStart().Length;
        foreach (string op in (string[])["<=", ">=", "==", "<", ">", "="])
        {
            if (trimmed.StartsWith(op, StringComparison.Ordinal))
            {
                string rest = trimmed[op.Length..];
                long d = Ticks(ParseDuration(rest.Trim(), insideAt + lead + op.Length));
                long plusOne = d == long.MaxValue ? long.MaxValue : d + 1;
                return op switch
                {
                    "<" => d == 0 ? throw Error(PatternError.InvalidDuration, at, "'<0' allows no time at all") : new GapBounds(0, d == long.MaxValue ? long.MaxValue : d - 1),
                    "<=" => new GapBounds(0, d),
                    ">" => d == long.MaxValue ? throw Error(PatternError.InvalidDuration, at, "'>unbounded' allows no time at all") : new GapBounds(plusOne, long.MaxValue),
                    ">=" => new GapBounds(d, long.MaxValue),
                    _ => new GapBounds(d, d),
                };
            }
        }

        int dots = inside.IndexOf("..", StringComparison.Ordinal);
        if (dots < 0)
        {
            throw Error(PatternError.InvalidDuration, at, $"'{inside}': a gap is 'min..max' with either side optional, or '<D', '<=D', '>D', '>=D', '==D'");
        }

        string lo = inside[..dots].Trim(), hi = inside[(dots + 2)..].Trim();
        long min = 0, max = long.MaxValue;
        if (lo.Length > 0)
        {
            min = Ticks(ParseDuration(lo, insideAt));
        }

        if (hi.Length > 0)
        {
            max = Ticks(ParseDuration(hi, insideAt + dots + 2));
        }

        return max < min ? throw Error(PatternError.InvalidDuration, at, "the gap's maximum is below its minimum") : new GapBounds(min, max);
    }

    private static long Ticks(TimeSpan d) => d == TimeSpan.MaxValue ? long.MaxValue : d.Ticks;

    private int ReadCount(int quantifierAt)
    {
        int at = _pos;
        string digits = ReadWhile(char.IsAsciiDigit);
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n <= MaxRepeat
            ? n
            : throw Error(PatternError.InvalidQuantifier, at, $"a repeat count is at most {MaxRepeat}");
    }

    private string ReadName()
    {
        if (Peek() == '"')
        {
            return ReadQuoted();
        }

        int at = _pos;
        string name = ReadWhile(IsNameChar);
        return name.Length > 0 ? name : throw Error(PatternError.UnexpectedToken, at, $"unexpected '{Peek()}' where a touchpoint was expected");
    }

    private string ReadQuoted()
    {
        int at = _pos;
        _pos++;
        var sb = new StringBuilder();
        while (true)
        {
            char c = Peek();
            if (c == '\0')
            {
                throw Error(PatternError.Unclosed, at, "the quoted name is not closed");
            }

            _pos++;
            if (c == '"')
            {
                break;
            }

            if (c == '\\' && Peek() != '\0')
            {
                c = _text[_pos++];
            }

            sb.Append(c);
        }

        return sb.Length > 0 ? sb.ToString() : throw Error(PatternError.UnexpectedToken, at, "a quoted name cannot be empty");
    }

    private static bool IsNameChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '.' or '-' or ':' or '/' or '@';

    private bool IsKeyword(string word) =>
        string.CompareOrdinal(_text, _pos, word, 0, word.Length) == 0 && !IsNameChar(PeekAt(word.Length));

    private string ReadWhile(Func<char, bool> predicate)
    {
        int start = _pos;
        while (_pos < _text.Length && predicate(_text[_pos]))
        {
            _pos++;
        }

        return _text[start.._pos];
    }

    private void SkipSpace()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos]))
        {
            _pos++;
        }
    }

    private char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

    private char PeekAt(int ahead) => _pos + ahead < _text.Length ? _text[_pos + ahead] : '\0';

    private PatternSyntaxException Error(PatternError error, int offset, string detail) => new(error, offset, detail, _text);
}
