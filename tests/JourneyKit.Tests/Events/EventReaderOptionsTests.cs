using JourneyKit.Events;

namespace JourneyKit.Tests.Events;

public sealed class EventReaderOptionsTests
{
    [Fact]
    public void Ctor_Ok()
    {
        var options = new EventReaderOptions();
        Assert.Equal(BadRowHandling.Fail, options.BadRows);
        Assert.Equal(10, options.MaxReportedErrors);
        Assert.Equal(1_048_576, options.MaxRecordLength);
        Assert.Null(options.Progress);
        options.Validate();
    }

    [Fact]
    public void Validate_UndefinedEnum_Throws()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => new EventReaderOptions { BadRows = (BadRowHandling)7 }.Validate());
        Assert.Contains("BadRows", e.Message, StringComparison.Ordinal);
    }
}
