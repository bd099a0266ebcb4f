using System.Globalization;
using JourneyKit.Events;

namespace JourneyKit.Cli;

/// <summary>A one-line progress bar redrawn in place with <c>\r</c>; only for interactive terminals.</summary>
internal sealed class CliProgressBar(TextWriter writer, string label) : IProgress<EventReadProgress>, IDisposable
{
    private const int Width = 24;
    private int _lastPermille = -1;
    private int _lastLength;
    private bool _disposed;

    public void Report(EventReadProgress value)
    {
        if (_disposed)
        {
            return;
        }

        int permille = value.Fraction is double f ? (int)(f * 1000) : -1;
        if (permille == _lastPermille && permille >= 0)
        {
            return;
        }

        _lastPermille = permille;
        string line = Render(label, value);
        writer.Write('\r' + line.PadRight(_lastLength));
        writer.Flush();
        _lastLength = line.Length;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_lastLength > 0)
        {
            writer.Write('\r' + new string(' ', _lastLength) + '\r');
            writer.Flush();
        }
    }

    internal static string Render(string label, EventReadProgress value)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        string rows = value.Rows.ToString("N0", inv) + " rows";
        if (value.Fraction is not double fraction)
        {
            return $"reading {label}  {Megabytes(value.BytesRead)} MB  {rows}";
        }

        int filled = (int)Math.Round(fraction * Width);
        string bar = new string('#', filled) + new string('-', Width - filled);
        return $"reading {label}  [{bar}] {(fraction * 100).ToString("0", inv),3}%  {Megabytes(value.BytesRead)}/{Megabytes(value.TotalBytes ?? 0)} MB  {rows}";
    }

    private static string Megabytes(long bytes) => (bytes / 1_048_576.0).ToString("0.0", CultureInfo.InvariantCulture);
}
