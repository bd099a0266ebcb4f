using System.CommandLine;
using System.Globalization;
using JourneyKit.Storage;
using JourneyKit.Storage.Sqlite;

namespace JourneyKit.Cli.Commands;

/// <summary>
/// <c>journeykit erase --store FILE --customer ID [--customer ID …] [--format json]</c>: the right to be forgotten on a
/// SQLite store — removes each customer's events and instance states (with their outbox) and overwrites the freed space
/// in the file (<c>secure_delete</c>, WAL checkpointed and truncated).
/// </summary>
internal static class EraseCommand
{
    public static Command Create(CliContext context)
    {
        var store = new Option<string>("--store", "-s") { Description = "The SQLite store file (as written by UseSqlite or the web sample). It must exist: erase never creates a database.", HelpName = "file", Required = true };
        var customer = new Option<string[]>("--customer", "-c") { Description = "A customer id to erase; repeat for several.", HelpName = "id", Required = true, AllowMultipleArgumentsPerToken = false };
        Option<OutputFormat> format = CliOptions.Format();
        var command = new Command("erase", "Erase customers from a SQLite store (right to be forgotten): their events and instance states are removed and the freed space overwritten with zeros. Interventions already dispatched are not recalled.")
        {
            store,
            customer,
            format,
        };
        CliHelp.AddExamples(
            command,
            "journeykit erase --store journeykit-webapi.db --customer c-1042",
            "journeykit erase -s journeys.db -c ann -c bob --format json");
        command.SetAction(parse =>
        {
            string path = parse.GetRequiredValue(store);
            string[] ids = parse.GetRequiredValue(customer);
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"The store file '{path}' does not exist.", path);
            }

            foreach (string id in ids)
            {
                if (string.IsNullOrEmpty(id))
                {
                    throw new CliUsageException("--customer: a customer id must not be empty");
                }
            }

            var sqlite = new SqliteJourneyStore(new SqliteStoreOptions { DataSource = path });
            var results = new List<(string Id, ErasureResult Result)>(ids.Length);
            foreach (string id in ids)
            {
                results.Add((id, sqlite.EraseCustomerAsync(id).GetAwaiter().GetResult()));
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools(); // close the file before the tool exits
            if (parse.GetValue(format) == OutputFormat.Json)
            {
                CliOutput.WriteJson(context.Stdout, json =>
                {
                    json.WriteStartObject();
                    json.WriteString("store", path);
                    json.WriteStartArray("erased");
                    foreach ((string id, ErasureResult result) in results)
                    {
                        json.WriteStartObject();
                        json.WriteString("customer_id", id);
                        json.WriteNumber("events", result.Events);
                        json.WriteNumber("states", result.States);
                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                    json.WriteEndObject();
                });
            }
            else
            {
                foreach ((string id, ErasureResult result) in results)
                {
                    context.Stdout.WriteLine($"erased customer {id}: {DisplayFormat.Count(result.Events)} events, {DisplayFormat.Count(result.States)} states");
                }
            }

            return CliExitCode.Ok;
        });
        return command;
    }
}
