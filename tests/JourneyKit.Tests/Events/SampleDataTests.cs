using JourneyKit.Events;
using JourneyKit.Model;
using JourneyKit.Model.Json;

namespace JourneyKit.Tests.Events;

/// <summary>The committed sample event files read cleanly and fit their journeys (regenerate them with
/// <c>journeykit generate --journey X.journey.json --customers 2000 --seed 1 --out X.events.csv</c>).</summary>
public sealed class SampleDataTests
{
    [Theory]
    [InlineData("retail-bank-account-opening")]
    [InlineData("ecommerce-purchase")]
    public void SampleEvents_ReadCleanly_AndUseTheJourneysTouchpoints(string name)
    {
        Journey journey = JourneyJson.LoadFile(TestPaths.Sample(name + ".journey.json"));
        string events = TestPaths.Sample(name + ".events.csv");
        Assert.True(new FileInfo(events).Length < 3_000_000);

        EventReadResult result = EventFile.Read(events);

        Assert.Equal(0, result.Skipped);
        Assert.Equal(2000, result.Batch.CustomerCount);
        Assert.True(result.Duplicates > 0, "the samples include duplicated event ids on purpose");
        foreach (string touchpoint in result.Batch.Touchpoints.ToList())
        {
            Touchpoint? t = journey.FindTouchpoint(touchpoint);
            Assert.NotNull(t);
        }

        for (int row = 0; row < result.Batch.Count; row++)
        {
            Touchpoint t = journey.FindTouchpoint(result.Batch.Touchpoints[result.Batch.TouchpointIds[row]])!;
            Assert.Equal(t.Channel.Name, result.Batch.Channels[result.Batch.ChannelIds[row]]);
        }
    }
}
