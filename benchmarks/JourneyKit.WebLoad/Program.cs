using System.Globalization;
using JourneyKit.WebLoad;

// dotnet run -c Release --project benchmarks/JourneyKit.WebLoad -- [--events 100000] [--batch 500] [--clients 4] [--hostile 0.5] [--rounds 2]
var options = new WebLoadOptions();
for (int i = 0; i + 1 < args.Length; i += 2)
{
    string value = args[i + 1];
    switch (args[i])
    {
        case "--events": options.Events = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--batch": options.BatchSize = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--clients": options.Clients = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--hostile": options.HostileRatio = double.Parse(value, CultureInfo.InvariantCulture); break;
        case "--rounds": options.Rounds = int.Parse(value, CultureInfo.InvariantCulture); break;
        case "--seed": options.Seed = int.Parse(value, CultureInfo.InvariantCulture); break;
        default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
    }
}

WebLoadResult result = await WebLoadRun.RunAsync(options, Console.Out);
Console.WriteLine($"statuses: {string.Join(", ", result.StatusCounts.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} ×{p.Value}"))}");
Console.WriteLine($"5xx: {result.ServerErrors}; unexpected statuses: {result.UnexpectedStatuses}; stored events {result.StoredEvents} of {result.ExpectedEvents}; /stats events {result.StatsEvents}; customers checked {result.CustomersChecked}, mismatches {result.CustomerMismatches}");
return result.ServerErrors == 0 && result.UnexpectedStatuses == 0 && result.StoredEvents == result.ExpectedEvents && result.CustomerMismatches == 0 ? 0 : 1;
