using Orleans;
using Orleans.Runtime;

namespace JourneyKit.Orleans.Tests;

/// <summary>
/// A reminder table every in-process silo shares (like a database would), so a reminder survives the silo that
/// registered it. Ranges are on the grains' uniform hash, (begin, end], wrapping when begin ≥ end.
/// </summary>
internal sealed class SharedReminderTable : IReminderTable
{
    private static readonly object Gate = new();
    private static readonly Dictionary<(GrainId, string), ReminderEntry> Rows = [];
    private static long _etag;

    public static void Clear()
    {
        lock (Gate)
        {
            Rows.Clear();
        }
    }

    public Task Init() => Task.CompletedTask;

    public Task<ReminderTableData> ReadRows(GrainId grainId)
    {
        lock (Gate)
        {
            return Task.FromResult(new ReminderTableData(Rows.Values.Where(r => r.GrainId == grainId).Select(Copy).ToList()));
        }
    }

    public Task<ReminderTableData> ReadRows(uint begin, uint end)
    {
        lock (Gate)
        {
            bool InRange(uint h) => begin < end ? h > begin && h <= end : h > begin || h <= end;
            return Task.FromResult(new ReminderTableData(Rows.Values.Where(r => InRange(r.GrainId.GetUniformHashCode())).Select(Copy).ToList()));
        }
    }

    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName)
    {
        lock (Gate)
        {
            return Task.FromResult(Rows.TryGetValue((grainId, reminderName), out ReminderEntry? r) ? Copy(r) : (ReminderEntry?)null);
        }
    }

    public Task<string?> UpsertRow(ReminderEntry entry)
    {
        lock (Gate)
        {
            ReminderEntry row = Copy(entry);
            row.ETag = (++_etag).ToString(System.Globalization.CultureInfo.InvariantCulture);
            Rows[(entry.GrainId, entry.ReminderName)] = row;
            return Task.FromResult<string?>(row.ETag);
        }
    }

    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag)
    {
        lock (Gate)
        {
            bool found = Rows.TryGetValue((grainId, reminderName), out ReminderEntry? r) && r.ETag == eTag;
            if (found)
            {
                Rows.Remove((grainId, reminderName));
            }

            return Task.FromResult(found);
        }
    }

    public Task TestOnlyClearTable()
    {
        Clear();
        return Task.CompletedTask;
    }

    private static ReminderEntry Copy(ReminderEntry r) => new() { GrainId = r.GrainId, ReminderName = r.ReminderName, StartAt = r.StartAt, Period = r.Period, ETag = r.ETag };
}
