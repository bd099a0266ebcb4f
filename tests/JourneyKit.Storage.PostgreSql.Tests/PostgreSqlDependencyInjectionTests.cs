using JourneyKit.Storage.PostgreSql;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace JourneyKit.Storage.PostgreSql.Tests;

public sealed class PostgreSqlDependencyInjectionTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task UsePostgreSql_RegistersTheStore_HostStartMigrates()
    {
        string schema = database.NewSchema();
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddJourneyKit().UsePostgreSql(o =>
        {
            o.ConnectionString = database.ConnectionString;
            o.Schema = schema;
        });
        using IHost host = builder.Build();
        await host.StartAsync();
        Assert.Equal(1, await database.ScalarAsync($"SELECT max(version) FROM {schema}.schema_version")); // migrated at start
        var store = Assert.IsType<PostgreSqlJourneyStore>(host.Services.GetRequiredService<JourneyStore>());
        Assert.Equal(new AppendResult(1, 0), await store.Events.AppendAsync([new JourneyKit.Events.JourneyEvent("c", "a", DateTimeOffset.UnixEpoch) { EventId = "e" }]));
        await host.StopAsync();
    }

    [Fact]
    public async Task UsePostgreSql_ServerDown_HostStartFailsNamingTheServer()
    {
        int port;
        using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }

        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddJourneyKit().UsePostgreSql($"Host=127.0.0.1;Port={port};Username=app;Password=secret;Timeout=3");
        using IHost host = builder.Build();
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains($"127.0.0.1:{port}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("unavailable", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UsePostgreSql_InvalidOptions_ThrowsWithEveryProblem()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddJourneyKit().UsePostgreSql(o =>
        {
            o.ConnectionString = "";
            o.Schema = "Not Valid";
        }));
        Assert.Contains("ConnectionString", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Schema", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new ServiceCollection().AddJourneyKit().UsePostgreSql(" "));
    }
}
