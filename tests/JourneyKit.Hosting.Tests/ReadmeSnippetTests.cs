using JourneyKit.Model;
using JourneyKit.Orchestration;
using JourneyKit.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace JourneyKit.Hosting.Tests;

/// <summary>The README's orchestration registration, with the repository's sample path and a temporary database.</summary>
public sealed class ReadmeSnippetTests
{
    [Fact]
    public void ReadmeRegistration_ResolvesTheEngineWithJourneyAndCodeRules_AndTheHostedService()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "JourneyKit.sln")))
        {
            root = Path.GetDirectoryName(root)!;
        }

        string readme = File.ReadAllText(Path.Combine(root, "README.md"));
        Assert.Contains(".AddOrchestrationHost();", readme, StringComparison.Ordinal);
        Assert.Contains(".AddWebhookDispatcher(o => o.Endpoint = new Uri(\"https://crm.example/hooks/journeys\"))", readme, StringComparison.Ordinal);

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddJourneyKit()
            .AddJourney(Path.Combine(root, "samples", "data", "retail-bank-account-opening.journey.json")) // its "rules" are used too
            .UseSqlite(Path.Combine(TestTemp.Root, "jk-readme-" + Guid.NewGuid().ToString("N") + ".db"))
            .AddOrchestration(o => o
                .AddRule(JourneyRule.Create("nudge-before-stuck").WhenStuck("verify", fraction: 0.8)
                    .Then("verify-reminder", Channel.Sms, templateId: "tpl-verify").WithCooldown(TimeSpan.FromDays(1)).Build()))
            .AddWebhookDispatcher(o => o.Endpoint = new Uri("https://crm.example/hooks/journeys"))
            .AddOrchestrationHost();
        using ServiceProvider provider = services.BuildServiceProvider();
        JourneyEngine engine = provider.GetRequiredService<JourneyEngine>();
        Assert.Contains(engine.Rules, r => r.Name == "nudge-before-stuck");
        Assert.IsType<WebhookInterventionDispatcher>(provider.GetRequiredService<InterventionDispatcher>());
        Assert.Contains(provider.GetServices<IHostedService>(), s => s is JourneyOrchestrationService);
    }
}
