using KeyGrains.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// Content root is the app's own folder so appsettings.json is found from any working directory;
// relative paths in settings (Storage:SqlitePath) still resolve against the current directory.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});

// Leave Orleans time to hand grains over and flush state before SIGTERM becomes a kill.
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
builder.UseOrleans(silo => silo
    .AddKeyGrains(builder.Configuration)
    .UseConfiguredAdvertisedAddress());

builder.Build().Run();
