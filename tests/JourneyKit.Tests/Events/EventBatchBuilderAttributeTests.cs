using JourneyKit.Events;

namespace JourneyKit.Tests.Events;

public sealed class EventBatchBuilderAttributeTests
{
    [Fact]
    public void SetAttribute_SparseKeysAndOverwrites_GiveTheRightColumns()
    {
        long t = EventTestHelper.T0.UtcTicks;
        var builder = new EventBatchBuilder();
        builder.Add("c", "a", t);
        builder.SetAttribute("k1", "x");
        builder.Add("c", "b", t + 1);
        builder.Add("c", "c", t + 2);
        builder.SetAttribute("k2", "y");
        builder.SetAttribute("k2", "z"); // the later value wins
        for (int i = 0; i < 6; i++)
        {
            builder.SetAttribute("k" + (3 + i), "v"); // more keys than the initial column table holds
        }

        builder.Add("c", "d", t + 3);
        EventBatch batch = builder.Build();

        Assert.True(batch.TryGetAttributeColumn("k1", out ReadOnlySpan<int> k1));
        Assert.True(batch.TryGetAttributeColumn("k2", out ReadOnlySpan<int> k2));
        Assert.True(batch.TryGetAttributeColumn("k8", out ReadOnlySpan<int> k8));
        Assert.Equal(new string?[] { "x", null, null, null }, Values(batch, k1));
        Assert.Equal(new string?[] { null, null, "z", null }, Values(batch, k2));
        Assert.Equal(new string?[] { null, null, "v", null }, Values(batch, k8));
    }

    private static string?[] Values(EventBatch batch, ReadOnlySpan<int> column)
    {
        var values = new string?[column.Length];
        for (int i = 0; i < column.Length; i++)
        {
            values[i] = column[i] < 0 ? null : batch.AttributeValues[column[i]];
        }

        return values;
    }
}
