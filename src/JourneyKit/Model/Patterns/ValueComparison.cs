namespace JourneyKit.Model.Patterns;

/// <summary>A comparison of an event's numeric value with an operand.</summary>
public enum ValueComparison
{
    /// <summary><c>value == operand</c>.</summary>
    Equal,

    /// <summary><c>value != operand</c>.</summary>
    NotEqual,

    /// <summary><c>value &lt; operand</c>.</summary>
    Less,

    /// <summary><c>value &lt;= operand</c>.</summary>
    LessOrEqual,

    /// <summary><c>value &gt; operand</c>.</summary>
    Greater,

    /// <summary><c>value &gt;= operand</c>.</summary>
    GreaterOrEqual,
}
