using System.Globalization;
using JourneyKit.Events;
using Sylvan.Data.Csv;

namespace JourneyKit.Analytics;

/// <summary>
/// Drill-down lists as CSV: <see cref="Write"/> exports runs (one row each, header first), and <see cref="ReadCustomerIds"/>
/// reads back the <c>customer_id</c> column of such a file — or of any CSV with that column — as a cohort filter
/// (<see cref="EventBatch.ForCustomers"/>).
/// </summary>
public static class CustomerList
{
    /// <summary>The CSV header <see cref="Write"/> writes.</summary>
    public const string Header = "customer_id,run,state,stage,furthest_stage,time_in_stage_seconds,overdue_seconds,persona,first_channel,cohort,last_touchpoint,last_channel";

    /// <summary>Writes runs as CSV (RFC 4180 quoting, LF line ends, invariant culture).</summary>
    /// <param name="writer">The destination.</param>
    /// <param name="rows">The runs.</param>
    public static void Write(TextWriter writer, IEnumerable<CustomerRow> rows)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(rows);
        writer.Write(Header);
        writer.Write('\n');
        foreach (CustomerRow r in rows)
        {
            Field(writer, r.CustomerId);
            writer.Write(',');
            writer.Write(r.Run.ToString(CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(StateName(r.State));
            writer.Write(',');
            Field(writer, r.StageId);
            writer.Write(',');
            Field(writer, r.FurthestStageId);
            writer.Write(',');
            writer.Write(((long)r.TimeInStage.TotalSeconds).ToString(CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(((long)r.OverdueBy.TotalSeconds).ToString(CultureInfo.InvariantCulture));
            writer.Write(',');
            Field(writer, r.Persona);
            writer.Write(',');
            Field(writer, r.FirstChannel);
            writer.Write(',');
            Field(writer, r.Cohort);
            writer.Write(',');
            Field(writer, r.LastTouchpoint);
            writer.Write(',');
            Field(writer, r.LastChannel);
            writer.Write('\n');
        }
    }

    /// <summary>Reads the distinct values of the <c>customer_id</c> column of a CSV file (a drill-down export, say).</summary>
    /// <param name="path">The file.</param>
    /// <returns>The customer ids.</returns>
    /// <exception cref="EventFormatException">The file has no <c>customer_id</c> column, or a row has an empty id (the message says where).</exception>
    public static IReadOnlySet<string> ReadCustomerIds(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using CsvDataReader csv = CsvDataReader.Create(path, new CsvDataReaderOptions { HasHeaders = true });
        int column = -1;
        for (int c = 0; c < csv.FieldCount; c++)
        {
            if (csv.GetName(c) == "customer_id")
            {
                column = c;
            }
        }

        if (column < 0)
        {
            throw new EventFormatException(new EventReadError(EventReadErrorCode.MissingColumn, path, 1, "customer_id", 0, "the customer list has no 'customer_id' column (a file written by 'journeykit customers --format csv' has one)"));
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (int line = 2; csv.Read(); line++)
        {
            string id = csv.GetString(column);
            if (id.Length == 0)
            {
                throw new EventFormatException(new EventReadError(EventReadErrorCode.RequiredFieldEmpty, path, line, "customer_id", column + 1, "is empty; it is required"));
            }

            ids.Add(id);
        }

        return ids;
    }

    /// <summary>The snake_case name of a lifecycle state (as the CLI writes it).</summary>
    /// <param name="state">The state.</param>
    /// <returns>The name: <c>not_started</c>, <c>in_progress</c>, <c>stuck</c>, <c>dormant</c>, <c>converted</c> or <c>failed</c>.</returns>
    public static string StateName(Scoring.LifecycleState state) => state switch
    {
        Scoring.LifecycleState.NotStarted => "not_started",
        Scoring.LifecycleState.InProgress => "in_progress",
        Scoring.LifecycleState.Stuck => "stuck",
        Scoring.LifecycleState.Dormant => "dormant",
        Scoring.LifecycleState.Converted => "converted",
        _ => "failed",
    };

    private static void Field(TextWriter writer, string? value)
    {
        if (value is null)
        {
            return;
        }

        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            writer.Write(value);
            return;
        }

        writer.Write('"');
        writer.Write(value.Replace("\"", "\"\"", StringComparison.Ordinal));
        writer.Write('"');
    }
}
