using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;

namespace JourneyKit.Benchmarks.Peers;

/// <summary>
/// <c>--duckdb-funnel FILE.csv STEPS WINDOW_SECONDS [LEVELS_OUT]</c> (built with <c>-p:Peers=true</c>): loads an events
/// CSV into DuckDB (in-process, in memory), then runs <see cref="DuckDbFunnel.Query"/>; prints the load and query times
/// and the number of customers per level; with LEVELS_OUT, writes <c>customer,level</c> lines for the peer check.
/// </summary>
public static class DuckDbCsvFunnel
{
    public static int Run(string[] args, TextWriter output)
    {
        if (args.Length < 3)
        {
            output.WriteLine("usage: --duckdb-funnel FILE.csv a,b,c WINDOW_SECONDS [LEVELS_OUT]");
            return 2;
        }

        string path = Path.GetFullPath(args[0]);
        string[] steps = args[1].Split(',');
        var window = TimeSpan.FromSeconds(long.Parse(args[2], CultureInfo.InvariantCulture));
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        var clock = Stopwatch.StartNew();
        Execute(connection, "SET threads TO 2;");
        Execute(connection, $"CREATE TABLE events AS SELECT customer_id AS customer, touchpoint, epoch_us(CAST(\"timestamp\" AS TIMESTAMPTZ)) * 10 AS ts FROM read_csv('{path.Replace("'", "''", StringComparison.Ordinal)}', header = true, all_varchar = true);");
        TimeSpan load = clock.Elapsed;
        clock.Restart();
        var counts = new long[steps.Length + 1];
        TextWriter? levels = args.Length > 3 ? new StreamWriter(args[3]) : null;
        using (DuckDBCommand command = connection.CreateCommand())
        {
            command.CommandText = DuckDbFunnel.Query(steps, window);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                int level = Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture);
                counts[level]++;
                levels?.Write(reader.GetString(0));
                levels?.Write(',');
                levels?.WriteLine(level.ToString(CultureInfo.InvariantCulture));
            }
        }

        TimeSpan query = clock.Elapsed;
        levels?.Dispose();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"duckdb load_s={load.TotalSeconds:F3} query_s={query.TotalSeconds:F3}"));
        for (int k = 0; k < counts.Length; k++)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{k}\t{counts[k]}"));
        }

        return 0;
    }

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using DuckDBCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
