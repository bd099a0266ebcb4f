using Microsoft.Extensions.Options;

namespace JourneyKit.Storage.PostgreSql;

/// <summary>
/// Validates <see cref="PostgreSqlStoreOptions"/> at start-up: the settings, then the server — it connects and migrates
/// (or, with AutoMigrate off, checks) the schema through a short-lived store, so that a host does not start against a
/// server it cannot use.
/// </summary>
internal sealed class PostgreSqlStartupValidator : IValidateOptions<PostgreSqlStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgreSqlStoreOptions options)
    {
        IReadOnlyList<string> problems = options.Validate();
        if (problems.Count > 0)
        {
            return ValidateOptionsResult.Fail(problems);
        }

        try
        {
            using var store = new PostgreSqlJourneyStore(options);
            Task check = options.AutoMigrate ? store.MigrateAsync() : store.Events.CountAsync();
            check.GetAwaiter().GetResult();
            return ValidateOptionsResult.Success;
        }
        catch (JourneyStoreException e)
        {
            return ValidateOptionsResult.Fail($"PostgreSqlStoreOptions: the store cannot start. {e.Message}");
        }
    }
}
