namespace JourneyKit.Webhooks;

/// <summary>Message texts of the webhook dispatcher.</summary>
internal static class WebhookMessages
{
    public static string InvalidOptions(IEnumerable<string> problems) =>
        "Invalid webhook dispatcher options:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  " + p));

    public static string WebhookStatus(int status, Uri uri) => $"The webhook {uri} answered HTTP {status}.";
}
