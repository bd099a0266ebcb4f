namespace JourneyKit.Storage;

/// <summary>Something that must exist does not (e.g. a journey version asked for by number).</summary>
public sealed class JourneyNotFoundException : JourneyStoreException
{
    /// <summary>Creates the exception.</summary>
    public JourneyNotFoundException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is missing.</param>
    public JourneyNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is missing.</param>
    /// <param name="innerException">The provider's exception.</param>
    public JourneyNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
