var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/", () => "MarketFeed");
app.Run();
