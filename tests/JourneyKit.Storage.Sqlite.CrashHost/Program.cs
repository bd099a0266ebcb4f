using System.Globalization;
using JourneyKit.Events;
using JourneyKit.Storage.Sqlite;

// The child process of the crash test: appends batches of 2,000 events (ids "b<batch>-<i>", batches numbered from
// args[1], default 0) to the database in args[0] forever, printing "ack <batch>" after each acknowledged append, until
// it is killed.
var store = new SqliteJourneyStore(args[0]);
var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
for (int batch = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 0; ; batch++)
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
