namespace JourneyKit.Cli;

/// <summary>A usage error found by a command's action (a bad combination of options): exit code 2.</summary>
internal sealed class CliUsageException(string message) : Exception(message);
