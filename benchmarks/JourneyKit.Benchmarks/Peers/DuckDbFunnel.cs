using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using JourneyKit.Events;

namespace JourneyKit.Benchmarks.Peers;

/// <summary>
/// The same default-mode window funnel as an SQL query in DuckDB (in-process). Level k is reached when a step-k
/// event has a chain of earlier-or-equal-time step events back to a step-1 start within the window; the best start
/// for each step-k event is the latest start reachable, carried level to level by ASOF joins on running maxima.
/// </summary>
public sealed class DuckDbFunnel : IDisposable
{
    private readonly DuckDBConnection _connection;

    public DuckDbFunnel()
    {
        _connection = new DuckDBConnection("Data Source=:memory:");
        _connection.Open();
    }

    /// <summary>Loads the batch into table <c>events(customer VARCHAR, touchpoint VARCHAR, ts BIGINT)</c>.</summary>
    public void Load(EventBatch batch)
    {
        Execute("DROP TABLE IF EXISTS events; CREATE TABLE events(customer VARCHAR, touchpoint VARCHAR, ts BIGINT);");
        using (DuckDBAppender appender = _connection.CreateAppender("events"))
        {
            for (int i = 0; i < batch.Count; i++)
            {
                appender.CreateRow()
                    .AppendValue(batch.Customers[batch.CustomerIds[i]])
                    .AppendValue(batch.Touchpoints[batch.TouchpointIds[i]])
                    .AppendValue(batch.TimestampTicks[i])
                    .EndRow();
            }
        }
    }

    public static string Query(string[] steps, TimeSpan window)
    {
        var sql = new StringBuilder();
        sql.Append("WITH e AS (SELECT customer, ts, CASE touchpoint ");
        for (int i = 0; i < steps.Length; i++)
        {
            sql.Append(CultureInfo.InvariantCulture, $"WHEN '{steps[i].Replace("'", "''", StringComparison.Ordinal)}' THEN {i + 1} ");
        }

        sql.Append("END AS step FROM events),\n");
        sql.Append("l1 AS (SELECT customer, ts, ts AS start FROM e WHERE step = 1),\n");
        sql.Append("m1 AS (SELECT customer, ts, max(start) OVER (PARTITION BY customer ORDER BY ts RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS best FROM l1)");
        for (int k = 2; k <= steps.Length; k++)
        {
            sql.Append(CultureInfo.InvariantCulture, $",\nl{k} AS (SELECT e.customer, e.ts, p.best AS start FROM e ASOF JOIN m{k - 1} p ON e.customer = p.customer AND e.ts >= p.ts WHERE e.step = {k} AND e.ts - p.best <= {window.Ticks})");
            sql.Append(CultureInfo.InvariantCulture, $",\nm{k} AS (SELECT customer, ts, max(start) OVER (PARTITION BY customer ORDER BY ts RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS best FROM l{k})");
        }

        sql.Append("\nSELECT c.customer, CASE");
        for (int k = steps.Length; k >= 1; k--)
        {
            sql.Append(CultureInfo.InvariantCulture, $" WHEN EXISTS (SELECT 1 FROM l{k} WHERE l{k}.customer = c.customer) THEN {k}");
        }

        sql.Append(" ELSE 0 END AS level FROM (SELECT DISTINCT customer FROM events) c");
        return sql.ToString();
    }

    public Dictionary<string, int> Levels(string[] steps, TimeSpan window)
    {
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        using DuckDBCommand command = _connection.CreateCommand();
        command.CommandText = Query(steps, window);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            result[reader.GetString(0)] = Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture);
        }

        return result;
    }

    public void Dispose() => _connection.Dispose();

    private void Execute(string sql)
    {
        using DuckDBCommand command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
