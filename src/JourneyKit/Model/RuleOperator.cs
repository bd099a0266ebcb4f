using System.Globalization;

namespace JourneyKit.Model;

/// <summary>An operator of an <see cref="AttributeRule"/>.</summary>
public enum RuleOperator
{
    /// <summary>The attribute equals the value (ordinal).</summary>
    Eq,

    /// <summary>The attribute is absent or differs from the value.</summary>
    Ne,

    /// <summary>The attribute equals one of the values.</summary>
    In,

    /// <summary>The attribute is present.</summary>
    Exists,

    /// <summary>The attribute, as a number, is greater than the value.</summary>
    Gt,

    /// <summary>The attribute, as a number, is greater than or equal to the value.</summary>
    Ge,

    /// <summary>The attribute, as a number, is less than the value.</summary>
    Lt,

    /// <summary>The attribute, as a number, is less than or equal to the value.</summary>
    Le,
}
