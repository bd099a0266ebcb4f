using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace JourneyKit.Model.Patterns;

/// <summary>A comparison <c>value op operand</c> on an event's numeric value.</summary>
/// <threadsafety>Immutable and thread-safe.</threadsafety>
public readonly record struct ValueTest
{
    /// <summary>Creates a value test.</summary>
    /// <param name="op">The comparison.</param>
    /// <param name="operand">The operand; finite.</param>
    /// <exception cref="ArgumentOutOfRangeException">The operand is not finite or the comparison unknown.</exception>
    public ValueTest(ValueComparison op, double operand)
    {
        if (!double.IsFinite(operand))
        {
            throw new ArgumentOutOfRangeException(nameof(operand), operand, "The operand must be a finite number.");
        }

        if (!Enum.IsDefined(op))
        {
            throw new ArgumentOutOfRangeException(nameof(op), op, "Unknown comparison.");
        }

        Op = op;
        Operand = operand;
    }

    /// <summary>Gets the comparison.</summary>
    public ValueComparison Op { get; }

    /// <summary>Gets the operand.</summary>
    public double Operand { get; }

    /// <summary>Tests a value; a missing value (<see cref="double.NaN"/>) fails every comparison.</summary>
    /// <param name="value">The value.</param>
    /// <returns><see langword="true"/> when <c>value op operand</c> holds.</returns>
    public bool Matches(double value) => !double.IsNaN(value) && Op switch
    {
        ValueComparison.Equal => value == Operand,
        ValueComparison.NotEqual => value != Operand,
        ValueComparison.Less => value < Operand,
        ValueComparison.LessOrEqual => value <= Operand,
        ValueComparison.Greater => value > Operand,
        _ => value >= Operand,
    };

    /// <summary>Describes the test, e.g. <c>value&gt;=10</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => "value" + Op switch
    {
        ValueComparison.Equal => "==",
        ValueComparison.NotEqual => "!=",
        ValueComparison.Less => "<",
        ValueComparison.LessOrEqual => "<=",
        ValueComparison.Greater => ">",
        _ => ">=",
    } + Operand.ToString(CultureInfo.InvariantCulture);
}
