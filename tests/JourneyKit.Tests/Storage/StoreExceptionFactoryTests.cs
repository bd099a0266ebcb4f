using JourneyKit.Storage;

namespace JourneyKit.Tests.Storage;

/// <summary>The public factories providers use for the shared concurrency messages (no InternalsVisibleTo into the core).</summary>
public sealed class StoreExceptionFactoryTests
{
    [Fact]
    public void VersionExists_NamesTheJourneyAndVersion() =>
        Assert.Equal(
            "Journey 'onboarding' version 3 is already stored with different content; versions are immutable: save a new version.",
            JourneyConcurrencyException.VersionExists("onboarding", 3).Message);

    [Fact]
    public void StaleETag_SaysCreateOrStaleRead()
    {
        Assert.Equal(
            "The state of customer 'c1' in journey 'j' already exists; read it and pass its ETag.",
            JourneyConcurrencyException.StaleETag("c1", "j", null).Message);
        Assert.Equal(
            "The state of customer 'c1' in journey 'j' changed since it was read (ETag 'e7' is stale).",
            JourneyConcurrencyException.StaleETag("c1", "j", "e7").Message);
    }

    [Fact]
    public async Task InMemoryStore_ThrowsTheFactoryMessage_OnAStaleWrite()
    {
        var store = new InMemoryJourneyStore();
        string etag = await store.Instances.SaveAsync("c1", "j", 1, new byte[] { 1 }, null, null);
        var ex = await Assert.ThrowsAsync<JourneyConcurrencyException>(() => store.Instances.SaveAsync("c1", "j", 1, new byte[] { 2 }, null, "not-" + etag));
        Assert.Equal(JourneyConcurrencyException.StaleETag("c1", "j", "not-" + etag).Message, ex.Message);
    }
}
