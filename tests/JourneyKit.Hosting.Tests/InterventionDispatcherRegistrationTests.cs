using JourneyKit.DependencyInjection;
using JourneyKit.Orchestration;
using Microsoft.Extensions.DependencyInjection;
using static JourneyKit.Hosting.Tests.TestJourneys;

namespace JourneyKit.Hosting.Tests;

public sealed class InterventionDispatcherRegistrationTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AddInterventionDispatcher_IsUsedByOrchestration_BeforeOrAfterIt(bool before)
    {
        var services = new ServiceCollection();
        JourneyKitBuilder kit = services.AddJourneyKit().AddJourney(Onboarding.Journey);
        if (before)
        {
            kit.AddInterventionDispatcher<RecordingInterventionDispatcher>().AddOrchestration();
        }
        else
        {
            kit.AddOrchestration().AddInterventionDispatcher<RecordingInterventionDispatcher>();
        }

        using ServiceProvider provider = services.BuildServiceProvider();
        Assert.IsType<RecordingInterventionDispatcher>(provider.GetRequiredService<InterventionDispatcher>());
        Assert.NotNull(provider.GetRequiredService<JourneyEngine>());
    }

    [Fact]
    public void AddOrchestration_WithoutADispatcher_Logs()
    {
        var services = new ServiceCollection();
        services.AddJourneyKit().AddJourney(Onboarding.Journey).AddOrchestration();
        using ServiceProvider provider = services.BuildServiceProvider();
        Assert.IsType<LoggingInterventionDispatcher>(provider.GetRequiredService<InterventionDispatcher>());
    }
}
