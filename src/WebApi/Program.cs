using KeyGrains.WebApi.Hosting;

// First, before any socket exists: the runtime reads this once (see SocketCompletions).
SocketCompletions.PreferInline();

// Content root is the app's own folder, as the silo's, so its appsettings.json (log levels among
// them) is read from any working directory; relative paths in settings (Storage:SqlitePath) still
// resolve against the current directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});
builder.AddKeyGrainsWebApi();

var app = builder.Build();
app.MapKeyGrainsWebApi();

return await app.RunKeyGrainsAsync();
