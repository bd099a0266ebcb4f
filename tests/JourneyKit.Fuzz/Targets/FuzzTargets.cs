namespace JourneyKit.Fuzz.Targets;

/// <summary>Every target, by name.</summary>
internal static class FuzzTargets
{
    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new JourneyJsonTarget(),
        EventReaderTarget.Csv(),
        EventReaderTarget.JsonLines(),
        EventReaderTarget.Xes(),
        EventReaderTarget.Sniffed(),
        new PatternTarget(),
        new WebRequestTarget(),
    ];

    public static FuzzTarget? Find(string name)
    {
        foreach (FuzzTarget t in All)
        {
            if (t.Name == name)
            {
                return t;
            }
        }

        return null;
    }
}
