namespace JourneyKit.Storage;

/// <summary>The store cannot be reached or used (file locked, disk full, server down); the inner exception says why.</summary>
public sealed class JourneyStoreUnavailableException : JourneyStoreException
{
    /// <summary>Creates the exception.</summary>
    public JourneyStoreUnavailableException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed.</param>
    public JourneyStoreUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The provider's exception.</param>
    public JourneyStoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
