namespace JourneyKit.Orleans;

/// <summary>The string key of an <see cref="IJourneyCustomerGrain"/>: journey id, U+001F, customer id.</summary>
public static class JourneyGrainKey
{
    private const char Separator = '\u001f';

    /// <summary>Gets the key of a (journey, customer) grain.</summary>
    /// <param name="journeyId">The journey id.</param>
    /// <param name="customerId">The customer id.</param>
    /// <returns>The key.</returns>
    public static string Of(string journeyId, string customerId)
    {
        ArgumentException.ThrowIfNullOrEmpty(journeyId);
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        return journeyId.Contains(Separator, StringComparison.Ordinal)
            ? throw new ArgumentException("A journey id must not contain U+001F.", nameof(journeyId))
            : journeyId + Separator + customerId;
    }

    /// <summary>Splits a key made by <see cref="Of"/>.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The journey id and customer id.</returns>
    /// <exception cref="FormatException">The key was not made by <see cref="Of"/>.</exception>
    public static (string JourneyId, string CustomerId) Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        int at = key.IndexOf(Separator, StringComparison.Ordinal);
        return at <= 0 || at == key.Length - 1 ? throw new FormatException($"Not a journey grain key: '{key}'.") : (key[..at], key[(at + 1)..]);
    }
}
