namespace JourneyKit.Model.Patterns;

/// <summary>
/// A pattern parsed and measured against its limits: everything journey validation checks, and what
/// <c>CompiledPattern</c> builds its automaton from, so a validated journey's patterns are parsed once.
/// </summary>
/// <threadsafety>Immutable and thread-safe.</threadsafety>
internal sealed class ParsedPattern
{
    private static readonly PatternOptions Defaults = new();

    private ParsedPattern(string text, PatternTree tree, PatternOptions options, Dictionary<PatternNode, PatternSize> sizes, PatternSize size)
    {
        Text = text;
        Tree = tree;
        Options = options;
        Sizes = sizes;
        Size = size;
    }

    /// <summary>Gets the pattern text.</summary>
    public string Text { get; }

    /// <summary>Gets the syntax tree.</summary>
    public PatternTree Tree { get; }

    /// <summary>Gets the limits the pattern was checked against.</summary>
    public PatternOptions Options { get; }

    /// <summary>Gets what each node of <see cref="Tree"/> builds (by reference).</summary>
    public IReadOnlyDictionary<PatternNode, PatternSize> Sizes { get; }

    /// <summary>Gets what the whole pattern builds.</summary>
    public PatternSize Size { get; }

    /// <summary>Parses a pattern and checks it against the limits.</summary>
    /// <param name="text">The pattern text.</param>
    /// <param name="options">The limits (already checked to be positive).</param>
    /// <returns>The parsed pattern.</returns>
    /// <exception cref="PatternSyntaxException">The pattern is invalid, too large (states, edges, distinct events, time constraints), or matches the empty sequence.</exception>
    public static ParsedPattern Parse(string text, PatternOptions options)
    {
        PatternTree tree = PatternParser.Parse(text, options);
        var sizes = new Dictionary<PatternNode, PatternSize>(ReferenceEqualityComparer.Instance);
        PatternSize size = PatternMeasure.Measure(tree.Root, options, text, sizes);
        CountAtomsAndTimes(tree.Root, sizes, [], [], text);
        if (size.Nullable)
        {
            throw new PatternSyntaxException(PatternError.MatchesEmpty, 0, "the pattern can match no events at all; make at least one event required", text);
        }

        return new ParsedPattern(text, tree, options, sizes, size);
    }

    /// <summary>
    /// Checks the distinct atoms (<see cref="PatternConstants.MaxAtoms"/>) and time constraints
    /// (<see cref="PatternConstants.MaxTimeConstraints"/>) in the order the automaton builder meets them (left to right,
    /// skipping what is never built, a gap's time before its event), so the error and its offset are the builder's.
    /// </summary>
    private static void CountAtomsAndTimes(PatternNode node, Dictionary<PatternNode, PatternSize> sizes, List<EventCondition> atoms, HashSet<PatternNode> times, string text)
    {
        if (!sizes.TryGetValue(node, out PatternSize size) || size.States == 0)
        {
            return;
        }

        switch (node)
        {
            case AtomNode atom:
                Atom(atom.Condition, atom.Offset);
                break;
            case SkipNode skip:
                Time(skip);
                Atom(EventCondition.Any, skip.Offset);
                if (skip.Forbid is { } forbid)
                {
                    Atom(forbid, skip.Offset);
                }

                break;
            case WithinNode within:
                Time(within);
                CountAtomsAndTimes(within.Inner, sizes, atoms, times, text);
                break;
            case SeqNode seq:
                foreach (PatternNode item in seq.Items)
                {
                    CountAtomsAndTimes(item, sizes, atoms, times, text);
                }

                break;
            case AltNode alt:
                foreach (PatternNode option in alt.Options)
                {
                    CountAtomsAndTimes(option, sizes, atoms, times, text);
                }

                break;
            case RepeatNode repeat:
                CountAtomsAndTimes(repeat.Inner, sizes, atoms, times, text);
                break;
        }

        void Atom(EventCondition condition, int offset)
        {
            if (!atoms.Contains(condition))
            {
                if (atoms.Count == PatternConstants.MaxAtoms)
                {
                    throw new PatternSyntaxException(PatternError.TooManyAtoms, offset, $"a pattern may use at most {PatternConstants.MaxAtoms} distinct events", text);
                }

                atoms.Add(condition);
            }
        }

        void Time(PatternNode timed)
        {
            if (!times.Contains(timed))
            {
                if (times.Count == PatternConstants.MaxTimeConstraints)
                {
                    throw new PatternSyntaxException(PatternError.TooManyTimeConstraints, timed.Offset, $"a pattern may have at most {PatternConstants.MaxTimeConstraints} time gaps '~~(…)' and groups with 'within' (each is a time kept per partial match)", text);
                }

                times.Add(timed);
            }
        }
    }

    /// <summary>Parses a pattern with the default limits, reporting a problem instead of throwing.</summary>
    /// <param name="text">The pattern text.</param>
    /// <param name="parsed">The parsed pattern, or null.</param>
    /// <param name="error">The problem (the exception's detail), or null.</param>
    /// <param name="column">The 1-based column of the problem, or 0.</param>
    /// <returns><see langword="true"/> when the pattern is valid.</returns>
    public static bool TryParse(string text, out ParsedPattern? parsed, out string? error, out int column)
    {
        try
        {
            parsed = Parse(text, Defaults);
            error = null;
            column = 0;
            return true;
        }
        catch (PatternSyntaxException e)
        {
            parsed = null;
            error = e.Detail;
            column = e.Offset + 1;
            return false;
        }
    }
}
