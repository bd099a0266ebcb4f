using JourneyKit.Hosting.Tests;
using JourneyKit.Model;
using JourneyKit.Orchestration;
using JourneyKit.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using static JourneyKit.Hosting.Tests.TestJourneys;

namespace JourneyKit.Hosting.Tests;

public sealed class OrchestrationHostTests
{
    private static readonly JourneyRule Stuck = JourneyRule.Create("verify-stuck").WhenStuck("verify").Then("call", Channel.Voice).Build();

    [Fact]
    public async Task Host_QueueAndTimer_IngestsThenFiresStuckRuleOnTick()
    {
        FakeTimeProvider clock = Clock();
        var sent = new RecordingInterventionDispatcher();
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddJourneyKit()
            .AddJourney(Onboarding.Journey)
            .AddOrchestration(o => o.AddRule(Stuck).UseDispatcher(sent))
            .AddOrchestrationHost(new OrchestrationHostOptions { TickInterval = TimeSpan.FromMinutes(1), QueueCapacity = 4 });
        using IHost host = builder.Build();
        await host.StartAsync();
        JourneyIngestionQueue queue = host.Services.GetRequiredService<JourneyIngestionQueue>();
        JourneyEngine engine = host.Services.GetRequiredService<JourneyEngine>();
        Assert.Equal(4, queue.Capacity);

        await queue.IngestAsync(Event("ada", "form.start", T0));
        await queue.IngestAsync(Event("ada", "id.upload", T0.AddHours(1)));
        Assert.Equal(2, (await engine.GetInstanceAsync("ada"))!.EventCount);

        // stuck in verify at T0 + 1 h + 1 day; the service ticks every minute of the fake clock
        clock.Advance(TimeSpan.FromHours(25));
        Intervention i = await WaitForSingle(sent, clock);
        Assert.Equal(("ada", "stuck:verify:1"), (i.CustomerId, i.Occurrence));
        await host.StopAsync();
    }

    [Fact]
    public async Task StopAsync_QueuedEvents_IngestedBeforeStopping()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        var store = new InMemoryJourneyStore();
        builder.Services.AddJourneyKit().AddJourney(Onboarding.Journey).UseStore(_ => store)
            .AddOrchestration(o => o.UseDispatcher(new RecordingInterventionDispatcher()))
            .AddOrchestrationHost(new OrchestrationHostOptions { MaxBatchSize = 7 });
        using IHost host = builder.Build();
        await host.StartAsync();
        JourneyIngestionQueue queue = host.Services.GetRequiredService<JourneyIngestionQueue>();
        for (int i = 0; i < 50; i++)
        {
            await queue.EnqueueAsync(Event($"c{i % 5}", "form.start", T0.AddMinutes(i)));
        }

        await host.StopAsync();
        Assert.Equal(50, await store.Events.CountAsync());
        Assert.Equal(10, (await host.Services.GetRequiredService<JourneyEngine>().GetInstanceAsync("c3"))!.EventCount);
        Assert.False(queue.TryEnqueue(Event("late", "form.start", T0)));
    }

    [Fact]
    public async Task Queue_Full_TryEnqueueFailsAndEnqueueWaits()
    {
        var queue = new JourneyIngestionQueue(new OrchestrationHostOptions { QueueCapacity = 2 });
        Assert.True(queue.TryEnqueue(Event("a", "form.start", T0)));
        Assert.True(queue.TryEnqueue(Event("b", "form.start", T0)));
        Assert.False(queue.TryEnqueue(Event("c", "form.start", T0)));
        ValueTask waiting = queue.EnqueueAsync(Event("c", "form.start", T0));
        Assert.False(waiting.IsCompleted);
        Assert.True(queue.Reader.TryRead(out _));
        await waiting;
        Assert.Equal(2, queue.Count);
    }

    [Fact]
    public void AddOrchestration_Defaults_LoggingDispatcherSystemClockSingleJourney()
    {
        var services = new ServiceCollection();
        services.AddJourneyKit().AddJourney(Onboarding.Journey).AddOrchestration();
        using ServiceProvider sp = services.BuildServiceProvider();
        JourneyEngine engine = sp.GetRequiredService<JourneyEngine>();
        Assert.IsType<LoggingInterventionDispatcher>(sp.GetRequiredService<InterventionDispatcher>());
        Assert.Same(TimeProvider.System, engine.TimeProvider);
        Assert.Equal("onboarding", engine.Journey.Journey.Id);
        Assert.IsType<InMemoryJourneyStore>(engine.Store);
        Assert.Empty(engine.Rules);
    }

    /// <summary>
    /// Advances the fake clock a tick interval at a time until the service dispatched. The service creates its
    /// PeriodicTimer after <c>StartAsync</c> returned (ExecuteAsync runs in the background), so a single advance can
    /// happen before the timer exists and never fire it.
    /// </summary>
    private static async Task<Intervention> WaitForSingle(RecordingInterventionDispatcher sent, FakeTimeProvider clock)
    {
        for (int i = 0; i < 500 && sent.Attempts.Count == 0; i++)
        {
            clock.Advance(TimeSpan.FromMinutes(1));
            await Task.Delay(10);
        }

        return Assert.Single(sent.Attempts);
    }
}
