namespace JourneyKit;

/// <summary>Why a text is not a duration (<see cref="Duration.TryParse(string?, DurationStyles, out TimeSpan, out DurationParseError)"/>).</summary>
public enum DurationParseError
{
    /// <summary>The text is a duration.</summary>
    None,

    /// <summary>The text is empty or white space.</summary>
    Empty,

    /// <summary>The text does not have the form of a duration (<c>soon</c>, <c>5x</c>, <c>5 s</c>).</summary>
    NotADuration,

    /// <summary>The text is a negative duration; durations are zero or more.</summary>
    Negative,

    /// <summary>The text has the form of a duration but exceeds <see cref="Duration.MaxSeconds"/> seconds.</summary>
    TooLarge,
}
