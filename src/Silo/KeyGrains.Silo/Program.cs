using KeyGrains;
using KeyGrains.Hosting;
using KeyGrains.Hosting.Observability;
using KeyGrains.Silo;
using Microsoft.Extensions.Configuration;
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
builder.Services.AddKeyGrainsSiloTelemetry(builder.Configuration);
var kubernetes = builder.Services.ReadValidatedOptions<KubernetesOptions, KubernetesOptionsValidator>(builder.Configuration.GetSection(KubernetesOptions.Section));
builder.UseOrleans(silo =>
{
    silo.AddKeyGrains(builder.Configuration).UseConfiguredAdvertisedAddress();
    if (kubernetes.Enabled)
    {
        silo.UseKubernetesHosting();
    }
});

builder.Build().Run();
