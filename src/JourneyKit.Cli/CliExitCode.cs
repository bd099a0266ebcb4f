namespace JourneyKit.Cli;

/// <summary>The exit codes of <c>journeykit</c>.</summary>
internal static class CliExitCode
{
    /// <summary>Success; for checks, nothing found.</summary>
    public const int Ok = 0;

    /// <summary>Problems found (an invalid journey) or bad input data; each problem is one line on stderr.</summary>
    public const int Problems = 1;

    /// <summary>A usage error (unknown option, bad value) or an I/O error (missing or unreadable file).</summary>
    public const int UsageOrIoError = 2;

    /// <summary>An unexpected failure: a bug in journeykit; the exception is printed for the report.</summary>
    public const int InternalError = 3;
}
