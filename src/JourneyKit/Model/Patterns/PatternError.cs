namespace JourneyKit.Model.Patterns;

/// <summary>What is wrong with a pattern.</summary>
public enum PatternError
{
    /// <summary>An unexpected character or token.</summary>
    UnexpectedToken,

    /// <summary>A bracket, brace or parenthesis is not closed.</summary>
    Unclosed,

    /// <summary>A quantifier has bad bounds (<c>{3,1}</c>, too large) or follows nothing.</summary>
    InvalidQuantifier,

    /// <summary>A duration (in <c>within</c> or a gap) is not valid.</summary>
    InvalidDuration,

    /// <summary>A predicate inside <c>{…}</c> is not valid.</summary>
    InvalidPredicate,

    /// <summary>The pattern can match no events at all (e.g. <c>a*</c>), which has no meaning for a match count.</summary>
    MatchesEmpty,

    /// <summary>The pattern is longer than <see cref="PatternOptions.MaxLength"/>.</summary>
    TooLong,

    /// <summary>Groups nest deeper than <see cref="PatternOptions.MaxDepth"/>.</summary>
    TooDeep,

    /// <summary>The automaton would exceed <see cref="PatternOptions.MaxStates"/> states.</summary>
    TooManyStates,

    /// <summary>The pattern has more distinct atoms than the engine supports (64).</summary>
    TooManyAtoms,

    /// <summary>An anchor is somewhere other than the very start (<c>^</c>) or end (<c>$</c>).</summary>
    MisplacedAnchor,

    /// <summary>The automaton would exceed <see cref="PatternOptions.MaxEdges"/> edges (the work done per event).</summary>
    TooManyEdges,

    /// <summary>More than 16 time gaps <c>~~(…)</c> and groups with <c>within</c> (each is a time kept per partial match).</summary>
    TooManyTimeConstraints,

    /// <summary>A variable (<c>{order_id=$o}</c>) is used wrongly: a second variable, <c>!=$o</c>, <c>$o|x</c>, a variable on
    /// <c>channel</c> or <c>value</c>, or one in an absence that some match before it does not bind.</summary>
    InvalidVariable,
}
