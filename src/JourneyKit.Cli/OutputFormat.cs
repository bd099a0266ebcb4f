namespace JourneyKit.Cli;

/// <summary>How a command writes its result to stdout.</summary>
internal enum OutputFormat
{
    /// <summary>Aligned, human-readable columns.</summary>
    Table,

    /// <summary>One JSON document, for scripts.</summary>
    Json,
}
