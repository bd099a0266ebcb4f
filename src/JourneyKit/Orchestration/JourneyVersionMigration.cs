namespace JourneyKit.Orchestration;

/// <summary>
/// How runs of an earlier journey version move to the current one (<see cref="JourneyVersionPolicy.Move"/>): which
/// current stage each earlier stage id becomes. Listed in <see cref="OrchestrationOptions.Migrations"/>.
/// </summary>
/// <remarks>
/// <para>A moved run is re-evaluated from the customer's log under the current version. The mapping says whether the
/// stay the run was in when it moved is the same stay in the new version: when the earlier stage maps to the stage the
/// re-evaluated run is in, the stay's stuck and risk occurrences already handled under the earlier version stay handled
/// (no second nudge for the same stay); otherwise the new version's timers fire for it when due. Without an entry, a
/// stage maps to the stage with the same id, if there is one; an entry mapping to null says there is none.</para>
/// <threadsafety>Immutable.</threadsafety>
/// </remarks>
public sealed class JourneyVersionMigration
{
    private JourneyVersionMigration(int fromVersion, IReadOnlyDictionary<string, string?> stages)
    {
        FromVersion = fromVersion;
        Stages = stages;
    }

    /// <summary>Gets the earlier version this migration is for.</summary>
    public int FromVersion { get; }

    /// <summary>Gets the stage mapping: earlier stage id → current stage id, or null for none.</summary>
    public IReadOnlyDictionary<string, string?> Stages { get; }

    /// <summary>Creates a migration.</summary>
    /// <param name="fromVersion">The earlier version (positive).</param>
    /// <param name="stages">Earlier stage id → current stage id (null: no counterpart); null for the identity by id.</param>
    /// <returns>The migration.</returns>
    public static JourneyVersionMigration Create(int fromVersion, IReadOnlyDictionary<string, string?>? stages = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fromVersion, 1);
        return new JourneyVersionMigration(fromVersion, new Dictionary<string, string?>(stages ?? new Dictionary<string, string?>(), StringComparer.Ordinal));
    }

    /// <summary>Maps an earlier stage id: the entry, else the same id when <paramref name="exists"/> says the current version has it.</summary>
    internal static string? Map(JourneyVersionMigration? migration, string? stage, Func<string, bool> exists)
    {
        if (stage is null)
        {
            return null;
        }

        return migration is not null && migration.Stages.TryGetValue(stage, out string? mapped) ? mapped : exists(stage) ? stage : null;
    }
}
