namespace JourneyKit.Webhooks.Internal;

/// <summary>Message texts of the webhook dispatcher.</summary>
internal static class WebhookMessages
{
    public const string EndpointMissing = "WebhookDispatcherOptions.Endpoint is required: set an absolute http or https URL.";

    public static string InvalidOptions(IEnumerable<string> problems) =>
        "Invalid webhook dispatcher options:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  " + p));

    public static string EndpointNotHttp(Uri endpoint) =>
        $"WebhookDispatcherOptions.Endpoint must be an absolute http or https URL; got '{endpoint}'.";

    public static string OutOfRange(string name, TimeSpan value, TimeSpan min, TimeSpan max) =>
        $"WebhookDispatcherOptions.{name} must be from {min} to {max}; got {value}.";

    public static string TotalNotAboveAttempt(TimeSpan total, TimeSpan attempt) =>
        $"WebhookDispatcherOptions.TotalTimeout ({total}) must be greater than AttemptTimeout ({attempt}).";

    public static string MaxAttemptsOutOfRange(int value) =>
        $"WebhookDispatcherOptions.MaxAttempts must be from 1 to {WebhookDefaults.MaxAttemptsLimit}; got {value}.";

    public static string WebhookStatus(int status, Uri uri) => $"The webhook {uri} answered HTTP {status}.";
}
