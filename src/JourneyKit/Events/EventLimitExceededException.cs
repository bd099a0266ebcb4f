using System.Globalization;

namespace JourneyKit.Events;

/// <summary>An event or attribute was refused because it passes one of <see cref="EventLimits"/>; nothing was changed.</summary>
public sealed class EventLimitExceededException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="limit">The limit exceeded.</param>
    /// <param name="maximum">The limit's value.</param>
    /// <param name="actual">The length or count that passed it.</param>
    /// <param name="what">What was too long or too many, e.g. "the customer id".</param>
    public EventLimitExceededException(EventLimit limit, long maximum, long actual, string what)
        : base(Describe(limit, maximum, actual, what))
    {
        Limit = limit;
        Maximum = maximum;
        Actual = actual;
    }

    /// <summary>Creates the exception.</summary>
    public EventLimitExceededException()
        : base("An event limit was exceeded.")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public EventLimitExceededException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public EventLimitExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Gets the limit exceeded.</summary>
    public EventLimit Limit { get; }

    /// <summary>Gets the limit's value.</summary>
    public long Maximum { get; }

    /// <summary>Gets the length or count that passed it.</summary>
    public long Actual { get; }

    private static string Describe(EventLimit limit, long maximum, long actual, string what)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        string option = limit switch
        {
            EventLimit.IdLength => "EventLimits.MaxIdLength",
            EventLimit.AttributeKeyLength => "EventLimits.MaxAttributeKeyLength",
            EventLimit.AttributeValueLength => "EventLimits.MaxAttributeValueLength",
            EventLimit.DistinctAttributeKeys => "EventLimits.MaxDistinctAttributeKeys",
            _ => "EventLimits.MaxEvents",
        };
        return limit is EventLimit.DistinctAttributeKeys or EventLimit.Events
            ? string.Create(inv, $"{what} would pass {maximum:N0}, the limit ({option})")
            : string.Create(inv, $"{what} is {actual:N0} characters long; the limit ({option}) is {maximum:N0}");
    }
}
