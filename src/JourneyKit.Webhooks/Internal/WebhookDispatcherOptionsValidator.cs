using Microsoft.Extensions.Options;

namespace JourneyKit.Webhooks.Internal;

/// <summary>Validates <see cref="WebhookDispatcherOptions"/>, listing every problem.</summary>
internal sealed class WebhookDispatcherOptionsValidator : IValidateOptions<WebhookDispatcherOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookDispatcherOptions options)
    {
        List<string> problems = Problems(options);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    public static List<string> Problems(WebhookDispatcherOptions options)
    {
        var problems = new List<string>();
        if (options.Endpoint is null)
        {
            problems.Add(WebhookMessages.EndpointMissing);
        }
        else if (!options.Endpoint.IsAbsoluteUri || (options.Endpoint.Scheme != Uri.UriSchemeHttp && options.Endpoint.Scheme != Uri.UriSchemeHttps))
        {
            problems.Add(WebhookMessages.EndpointNotHttp(options.Endpoint));
        }

        bool attemptOk = Check(problems, nameof(options.AttemptTimeout), options.AttemptTimeout, WebhookDefaults.MinTimeout, WebhookDefaults.MaxAttemptTimeout);
        bool totalOk = Check(problems, nameof(options.TotalTimeout), options.TotalTimeout, WebhookDefaults.MinTimeout, WebhookDefaults.MaxTotalTimeout);
        if (attemptOk && totalOk && options.TotalTimeout <= options.AttemptTimeout)
        {
            problems.Add(WebhookMessages.TotalNotAboveAttempt(options.TotalTimeout, options.AttemptTimeout));
        }

        if (options.MaxAttempts is < 1 or > WebhookDefaults.MaxAttemptsLimit)
        {
            problems.Add(WebhookMessages.MaxAttemptsOutOfRange(options.MaxAttempts));
        }

        Check(problems, nameof(options.RetryDelay), options.RetryDelay, TimeSpan.Zero, WebhookDefaults.MaxRetryDelay);
        return problems;
    }

    private static bool Check(List<string> problems, string name, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value >= min && value <= max)
        {
            return true;
        }

        problems.Add(WebhookMessages.OutOfRange(name, value, min, max));
        return false;
    }
}
