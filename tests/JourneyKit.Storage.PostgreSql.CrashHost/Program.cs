using System.Globalization;
using JourneyKit.Events;
using JourneyKit.Storage.PostgreSql;

// The child process of the crash test: appends batches of 2,000 events (ids "b<batch>-<i>", so binary COPY) to the
// store at args[0] (connection string), schema args[1], batches numbered from args[2] (default 0), forever, printing "ack <batch>" after each acknowledged append,
// until it is killed.
await using var store = new PostgreSqlJourneyStore(new PostgreSqlStoreOptions { ConnectionString = args[0], Schema = args[1] });
var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
for (int batch = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 0; ; batch++)
{
    var events = new List<JourneyEvent>(2_000);
    for (int i = 0; i < 2_000; i++)
    {
        events.Add(new JourneyEvent("c" + (i % 50), "t", t0.AddSeconds(batch)) { EventId = string.Create(CultureInfo.InvariantCulture, $"b{batch}-{i}") });
    }

    await store.Events.AppendAsync(events);
    Console.Out.WriteLine("ack " + batch.ToString(CultureInfo.InvariantCulture));
    Console.Out.Flush();
}
