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

/// <summary>
/// A write lost a race: the instance state's ETag changed since it was read (or the state exists when it was expected
/// not to), or a journey version was already saved with different content. Nothing was changed.
/// </summary>
public sealed class JourneyConcurrencyException : JourneyStoreException
{
    /// <summary>Creates the exception.</summary>
    public JourneyConcurrencyException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What conflicted.</param>
    public JourneyConcurrencyException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What conflicted.</param>
    /// <param name="innerException">The provider's exception.</param>
    public JourneyConcurrencyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

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
