using Microsoft.Extensions.Options;

namespace KeyGrains.Hosting;

public sealed class KeyGrainsSiloOptionsValidator : IValidateOptions<KeyGrainsSiloOptions>
{
    public ValidateOptionsResult Validate(string? name, KeyGrainsSiloOptions options)
    {
        var failures = new List<string>();
        var orleans = options.Orleans;
        Required(failures, "Storage:SqlitePath", options.Storage.SqlitePath);
        Required(failures, "Orleans:ClusterId", orleans.ClusterId);
        Required(failures, "Orleans:ServiceId", orleans.ServiceId);
        Port(failures, "Orleans:SiloPort", orleans.SiloPort);
        Port(failures, "Orleans:GatewayPort", orleans.GatewayPort);

        if (string.IsNullOrWhiteSpace(options.ConnectionStrings.Postgres))
        {
            if (options.Storage.Provider == StorageProvider.Postgres)
            {
                failures.Add("ConnectionStrings:Postgres is required when Storage:Provider is Postgres.");
            }

            if (options.Clustering.Provider == ClusteringProvider.Postgres)
            {
                failures.Add("ConnectionStrings:Postgres is required when Clustering:Provider is Postgres.");
            }
        }

        if (orleans.SiloPort == orleans.GatewayPort && orleans.SiloPort != 0)
        {
            failures.Add($"Orleans:SiloPort and Orleans:GatewayPort must differ (both are {orleans.SiloPort}).");
        }

        if (!string.IsNullOrWhiteSpace(orleans.AdvertisedIPAddress) && orleans.AdvertisedAddress() is null)
        {
            failures.Add($"Orleans:AdvertisedIPAddress is '{orleans.AdvertisedIPAddress}' but must be an IP address. {Rules.IpAddressShape}");
        }

        failures.AddRange(new NodeTlsOptionsValidator().Validate(name, orleans.Tls).Failures ?? []);
        if (options.Clustering.Provider == ClusteringProvider.Postgres && !orleans.Tls.Configured() && !orleans.Tls.Disabled)
        {
            // Open by default would mean anyone who reaches a silo or gateway port can join the cluster or call any grain.
            failures.Add(
                "a cluster on PostgreSQL (Clustering:Provider=Postgres) spans machines, and without TLS anyone who reaches a silo " +
                "or gateway port can join it or call any grain: set Orleans:Tls:CertificatePath, Orleans:Tls:KeyPath and " +
                "Orleans:Tls:CaPath, or Orleans:Tls:Disabled=true to run on plain TCP on purpose.");
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }

    private static void Required(List<string> failures, string setting, string value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            failures.Add($"{setting} is empty but is required.");
        }
    }

    private static void Port(List<string> failures, string setting, int port)
    {
        if (port is < 0 or > 65535)
        {
            failures.Add($"{setting} is {port} but must be a port number from 0 to 65535.");
        }
    }
}
