namespace JourneyKit.Samples.WebApi;

/// <summary>
/// What one request may carry (configuration section <c>JourneyKit:Limits</c>). Each limit is checked before anything
/// is stored; a request over a limit gets 400 (413 for the body size) with the field's path.
/// </summary>
public sealed class WebApiLimits
{
    /// <summary>Gets or sets the most events one POST may carry.</summary>
    /// <value>The default value is 10,000.</value>
    public int MaxEventsPerRequest { get; set; } = 10_000;

    /// <summary>Gets or sets the largest request body, in bytes (413 above it).</summary>
    /// <value>The default value is 4 MiB.</value>
    public long MaxRequestBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Gets or sets the longest customer id, touchpoint, event id or channel name, in UTF-16 code units.</summary>
    /// <value>The default value is 256.</value>
    public int MaxIdLength { get; set; } = 256;

    /// <summary>Gets or sets the most attributes one event may carry.</summary>
    /// <value>The default value is 32.</value>
    public int MaxAttributesPerEvent { get; set; } = 32;

    /// <summary>Gets or sets the longest attribute key.</summary>
    /// <value>The default value is 64.</value>
    public int MaxAttributeKeyLength { get; set; } = 64;

    /// <summary>Gets or sets the longest attribute value.</summary>
    /// <value>The default value is 1,024.</value>
    public int MaxAttributeValueLength { get; set; } = 1024;

    /// <summary>Gets or sets the most distinct attribute keys one request may use (all its events together).</summary>
    /// <value>The default value is 256.</value>
    public int MaxDistinctAttributeKeys { get; set; } = 256;

    /// <summary>Gets or sets how many requests one API key may make per <see cref="RateLimitWindow"/> (429 above it).</summary>
    /// <value>The default value is 2,000.</value>
    public int RequestsPerWindow { get; set; } = 2000;

    /// <summary>Gets or sets how many requests one client address without a valid key may make per window.</summary>
    /// <value>The default value is 20.</value>
    public int AnonymousRequestsPerWindow { get; set; } = 20;

    /// <summary>Gets or sets the rate limit's fixed window.</summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromSeconds(1);
}
