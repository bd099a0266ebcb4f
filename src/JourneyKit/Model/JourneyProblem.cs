namespace JourneyKit.Model;

/// <summary>One problem in a journey definition: a stable code, where (a JSON-path-like location) and what.</summary>
/// <param name="Code">The code, e.g. <c>JK0107</c>; see docs/journey-definitions.md.</param>
/// <param name="Path">The location, e.g. <c>stages[2].touchpoints[0]</c>; empty for the whole journey.</param>
/// <param name="Message">What is wrong.</param>
public sealed record JourneyProblem(string Code, string Path, string Message)
{
    /// <summary>Formats the problem as <c>path: message</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Path.Length == 0 ? Message : Path + ": " + Message;
}
