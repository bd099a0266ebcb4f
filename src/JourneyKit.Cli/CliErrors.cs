using System.Text.Json;
using JourneyKit.Events;
using JourneyKit.Model;

namespace JourneyKit.Cli;

/// <summary>Turns exceptions from actions into stderr messages and exit codes.</summary>
internal static class CliErrors
{
    public static bool IsHandled(Exception e) => e is not OutOfMemoryException;

    public static int Report(Exception e, CliContext context)
    {
        TextWriter err = context.Stderr;
        switch (e)
        {
            case CliProblemsException problems:
                foreach (string line in problems.Problems)
                {
                    err.WriteLine(line);
                }

                return CliExitCode.Problems;
            case JourneyValidationException invalid:
                foreach (JourneyProblem problem in invalid.Problems)
                {
                    err.WriteLine(problem.ToString()); // "stages[2].touchpoints[0]: unknown touchpoint …"
                }

                return CliExitCode.Problems;
            case EventFormatException format:
                err.WriteLine(format.Message); // "events.csv:12: column 'timestamp': …"
                return CliExitCode.Problems;
            case EventLimitExceededException limit:
                err.WriteLine(limit.Message);
                return CliExitCode.Problems;
            case JsonException json:
                err.WriteLine(CliMessages.InvalidJson(json));
                return CliExitCode.Problems;
            case CliUsageException usage:
                err.WriteLine(CliMessages.UsagePrefix + usage.Message);
                return CliExitCode.UsageOrIoError;
            case FileNotFoundException notFound:
                err.WriteLine(CliMessages.FileNotFound(notFound.FileName, notFound.Message));
                return CliExitCode.UsageOrIoError;
            case DirectoryNotFoundException or IOException or UnauthorizedAccessException:
                err.WriteLine(CliMessages.IoError(e.Message));
                return CliExitCode.UsageOrIoError;
            case JourneyKit.Storage.JourneyStoreException store:
                err.WriteLine(CliMessages.IoError(store.Message));
                return CliExitCode.UsageOrIoError;
            case OperationCanceledException:
                err.WriteLine(CliMessages.Cancelled);
                return CliExitCode.UsageOrIoError;
            default:
                err.WriteLine(CliMessages.Internal(e));
                return CliExitCode.InternalError;
        }
    }
}
