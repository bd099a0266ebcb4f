namespace JourneyKit.Storage;

/// <summary>A storage operation failed. Providers wrap their own failures in this type or a derived one.</summary>
public class JourneyStoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    public JourneyStoreException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed.</param>
    public JourneyStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The provider's exception.</param>
    public JourneyStoreException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
