namespace JourneyKit.Storage;

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

    /// <summary>
    /// Creates the exception a store throws when a journey version is saved again with different content (versions are
    /// immutable), with the message every provider uses.
    /// </summary>
    /// <param name="journeyId">The journey id.</param>
    /// <param name="version">The version already stored.</param>
    /// <returns>The exception, to throw.</returns>
    public static JourneyConcurrencyException VersionExists(string journeyId, int version) =>
        new($"Journey '{journeyId}' version {version} is already stored with different content; versions are immutable: save a new version.");

    /// <summary>
    /// Creates the exception a store throws when a conditional state write loses: the state already exists (no ETag
    /// given) or changed since it was read (the ETag is stale), with the message every provider uses.
    /// </summary>
    /// <param name="customerId">The customer id.</param>
    /// <param name="journeyId">The journey id.</param>
    /// <param name="expectedETag">The ETag the write expected, or null for a create.</param>
    /// <returns>The exception, to throw.</returns>
    public static JourneyConcurrencyException StaleETag(string customerId, string journeyId, string? expectedETag) => new(expectedETag is null
        ? $"The state of customer '{customerId}' in journey '{journeyId}' already exists; read it and pass its ETag."
        : $"The state of customer '{customerId}' in journey '{journeyId}' changed since it was read (ETag '{expectedETag}' is stale).");
}
