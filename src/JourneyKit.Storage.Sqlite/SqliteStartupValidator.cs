using Microsoft.Extensions.Options;

namespace JourneyKit.Storage.Sqlite;

/// <summary>
/// Validates <see cref="SqliteStoreOptions"/> at start-up: the settings, then the file — it opens the database, creates or
/// migrates the schema and checks it can write, through a short-lived store, so that a host does not start on a file it
/// cannot use (a missing directory, a file that is not a database, a read-only file, a newer schema).
/// </summary>
internal sealed class SqliteStartupValidator : IValidateOptions<SqliteStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, SqliteStoreOptions options)
    {
        IReadOnlyList<string> problems = options.Validate();
        if (problems.Count > 0)
        {
            return ValidateOptionsResult.Fail(problems);
        }

        try
        {
            new SqliteJourneyStore(options).CheckAsync().GetAwaiter().GetResult();
            return ValidateOptionsResult.Success;
        }
        catch (JourneyStoreException e)
        {
            return ValidateOptionsResult.Fail($"SqliteStoreOptions: the store cannot start on '{(options.ConnectionString is null ? options.DataSource : options.ConnectionString)}'. {e.Message}");
        }
    }
}
