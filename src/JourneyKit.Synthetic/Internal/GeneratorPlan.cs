using System.Globalization;

namespace JourneyKit.Synthetic.Internal;

/// <summary>What the synthetic generator needs from a journey, in flat arrays: stages, touchpoints, channels, personas.</summary>
internal sealed class GeneratorPlan
{
    /// <summary>Gets the stages in journey order, failure stages included; the first is where customers start.</summary>
    public required PlanStage[] Stages { get; init; }

    /// <summary>Gets the customer groups (a persona each, or customers no persona rule matches); empty means one group
    /// without attributes.</summary>
    public required PlanPersona[] Personas { get; init; }

    /// <summary>Gets the attribute keys generated events may carry (those the persona rules read).</summary>
    public required string[] AttributeKeys { get; init; }
}

/// <summary>A stage: its touchpoints, standard time, role and allowed next stages.</summary>
internal sealed class PlanStage
{
    public required string Id { get; init; }

    public required PlanTouchpoint[] Touchpoints { get; init; }

    /// <summary>Gets the standard (expected) time in the stage in ticks; 0 when the journey does not say.</summary>
    public long StandardTicks { get; init; }

    public bool IsGoal { get; init; }

    public bool IsFailure { get; init; }

    /// <summary>Gets the indexes of the stages allowed next, or null when any stage may follow.</summary>
    public int[]? Next { get; init; }
}

/// <summary>A touchpoint, its channel (empty when none) and whether its events carry an amount.</summary>
internal readonly record struct PlanTouchpoint(string Id, string Channel, bool CarriesValue = false);

/// <summary>A group of customers: its weight and the attribute profiles its customers get (one picked per customer).</summary>
internal sealed class PlanPersona
{
    public required string Id { get; init; }

    public double Weight { get; init; } = 1;

    /// <summary>Gets the profiles; each holds one slot per attribute key.</summary>
    public required AttributeSlot[][] Profiles { get; init; }

    /// <summary>Creates a persona whose customers all carry the same attribute values (null: absent).</summary>
    public static PlanPersona Fixed(string id, double weight, params string?[] values) => new()
    {
        Id = id,
        Weight = weight,
        Profiles = [values.Select(v => AttributeSlot.Text(v)).ToArray()],
    };
}

/// <summary>
/// How to produce one attribute value: a fixed text (null: absent), or a number drawn strictly inside an open interval
/// (every number there compares the same with every rule threshold, so the persona stays the same).
/// </summary>
internal readonly record struct AttributeSlot(string? FixedText, double Low, double High, bool Integer, bool IsRange)
{
    public static AttributeSlot Text(string? text) => new(text, 0, 0, false, false);

    public static AttributeSlot Range(double low, double high, bool integer) => new(null, low, high, integer, true);

    public string? Draw(ref Xoshiro256 rng)
    {
        if (!IsRange)
        {
            return FixedText;
        }

        if (Integer)
        {
            long low = (long)Math.Floor(Low) + 1;
            long high = (long)Math.Ceiling(High) - 1;
            long value = high <= low ? low : low + (long)(rng.NextDouble() * (high - low + 1));
            return value.ToString(CultureInfo.InvariantCulture);
        }

        double x = Low + ((High - Low) * (0.05 + (0.9 * rng.NextDouble())));
        return x.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>A value inside the slot, for classifying the slot against the rules.</summary>
    public string? Representative()
    {
        if (!IsRange)
        {
            return FixedText;
        }

        if (Integer)
        {
            long low = (long)Math.Floor(Low) + 1;
            long high = (long)Math.Ceiling(High) - 1;
            return (low + ((high - low) / 2)).ToString(CultureInfo.InvariantCulture);
        }

        return ((Low + High) / 2).ToString("R", CultureInfo.InvariantCulture);
    }
}
