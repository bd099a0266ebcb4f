namespace JourneyKit.Webhooks.Internal;

/// <summary>The defaults and limits of <see cref="WebhookDispatcherOptions"/>.</summary>
internal static class WebhookDefaults
{
    public const int MaxAttempts = 3;

    public const int MaxAttemptsLimit = 100;

    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan TotalTimeout = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);

    /// <summary>The resilience handler's lower bound for timeouts.</summary>
    public static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(10);

    /// <summary>The handler's circuit breaker samples at least twice the attempt timeout, and at most 1 day.</summary>
    public static readonly TimeSpan MaxAttemptTimeout = TimeSpan.FromHours(12);

    public static readonly TimeSpan MaxTotalTimeout = TimeSpan.FromDays(1);

    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromDays(1);

    /// <summary>The standard handler's default circuit-breaker sampling duration.</summary>
    public static readonly TimeSpan SamplingDuration = TimeSpan.FromSeconds(30);
}
