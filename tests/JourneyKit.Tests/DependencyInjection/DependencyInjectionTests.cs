using JourneyKit.DependencyInjection;
using JourneyKit.Model;
using JourneyKit.Scoring;
using JourneyKit.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace JourneyKit.Tests.DependencyInjection;

public sealed class DependencyInjectionTests
{
    [Fact]
    public void AddJourneyKit_Defaults_InMemoryStoreCatalogScoring()
    {
        var services = new ServiceCollection();
        services.AddJourneyKit().AddJourney(TestPaths.BankJourney);
        services.AddJourneyKit(); // safe twice
        using ServiceProvider provider = services.BuildServiceProvider();

        Assert.IsType<InMemoryJourneyStore>(provider.GetRequiredService<JourneyStore>());
        Assert.Same(provider.GetRequiredService<JourneyStore>(), provider.GetRequiredService<JourneyStore>());
        Assert.Equal("retail-bank-account-opening", provider.GetRequiredService<JourneyCatalog>().Get("retail-bank-account-opening").Journey.Id);
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
        Assert.Equal(5, provider.GetRequiredService<ScoringModel>().Components.Count);
    }

    [Fact]
    public void UserRegistrations_Win()
    {
        var mine = new InMemoryJourneyStore();
        var services = new ServiceCollection();
        services.AddSingleton<JourneyStore>(mine);
        services.AddSingleton<TimeProvider>(new Microsoft.Extensions.Time.Testing.FakeTimeProvider());
        services.AddJourneyKit();
        using ServiceProvider provider = services.BuildServiceProvider();
        Assert.Same(mine, provider.GetRequiredService<JourneyStore>());
        Assert.IsType<Microsoft.Extensions.Time.Testing.FakeTimeProvider>(provider.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public void AddScoreComponent_AddsToModel()
    {
        var services = new ServiceCollection();
        services.AddJourneyKit().AddScoreComponent<ConstantComponent>(0.5);
        using ServiceProvider provider = services.BuildServiceProvider();
        ScoringModel model = provider.GetRequiredService<ScoringModel>();
        Assert.Contains(model.Components, c => c.Component.Name == "crm" && Math.Abs(c.Weight - (0.5 / 1.5)) < 1e-9);
    }

    [Fact]
    public void InvalidOptions_FailWithNamedSetting()
    {
        var services = new ServiceCollection();
        services.AddJourneyKit(o => o.InactivityPeriod = TimeSpan.Zero);
        using ServiceProvider provider = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<JourneyKitOptions>>().Value);
        Assert.Contains("InactivityPeriod", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddJourney_Invalid_ThrowsAtRegistration()
    {
        var invalid = new Journey { Id = "j", Stages = new[] { new Stage { Id = "s" } } };
        Assert.Throws<JourneyValidationException>(() => new ServiceCollection().AddJourneyKit().AddJourney(invalid));
    }

    private sealed class ConstantComponent : ScoreComponent
    {
        public override string Name => "crm";

        public override ComponentValue Evaluate(ScoringContext context) => new(1, "from the CRM");
    }
}
