using JourneyKit.Samples.WebApi;

// JourneyKit orchestration behind a minimal API on SQLite. See docs/orchestration.md for curl calls.
await using Microsoft.AspNetCore.Builder.WebApplication app = WebApiApp.Create(args);
await app.RunAsync();
