var app = WebApplication.CreateBuilder(args).Build(); app.MapGet("/", () => "JourneyKit"); app.Run();
