using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace KeyGrains.Hosting;

public enum StorageProvider { Sqlite, Postgres, Memory }

public enum ClusteringProvider { Localhost, Postgres }

/// <summary>
/// The silo's settings, read once from configuration (appsettings.json, environment variables such
/// as <c>Storage__Provider</c>, command line). Read eagerly rather than as lazily bound options
/// because they decide which Orleans providers get registered at all; a bad value therefore stops
/// the process before anything listens, with a sentence naming the setting.
/// </summary>
public sealed record KeyGrainsSiloSettings(
    StorageProvider Storage,
    string SqlitePath,
    ClusteringProvider Clustering,
    string? PostgresConnectionString,
    string ClusterId,
    string ServiceId,
    int SiloPort,
    int GatewayPort)
{
    public const string DefaultSqlitePath = "data/keygrains.db";

    public static KeyGrainsSiloSettings From(IConfiguration configuration)
    {
        var errors = new List<string>();
        var storage = ReadEnum(configuration, "Storage:Provider", StorageProvider.Sqlite, errors);
        var clustering = ReadEnum(configuration, "Clustering:Provider", ClusteringProvider.Localhost, errors);
        var sqlitePath = ReadString(configuration, "Storage:SqlitePath") ?? DefaultSqlitePath;
        var postgres = ReadString(configuration, "ConnectionStrings:Postgres");
        var clusterId = ReadString(configuration, "Orleans:ClusterId") ?? "keygrains";
        var serviceId = ReadString(configuration, "Orleans:ServiceId") ?? "keygrains";
        var siloPort = ReadPort(configuration, "Orleans:SiloPort", 11111, errors);
        var gatewayPort = ReadPort(configuration, "Orleans:GatewayPort", 30000, errors);

        if (postgres is null && storage == StorageProvider.Postgres)
        {
            errors.Add("ConnectionStrings:Postgres is required when Storage:Provider is Postgres.");
        }

        if (postgres is null && clustering == ClusteringProvider.Postgres)
        {
            errors.Add("ConnectionStrings:Postgres is required when Clustering:Provider is Postgres.");
        }

        if (siloPort == gatewayPort && siloPort != 0)
        {
            errors.Add($"Orleans:SiloPort and Orleans:GatewayPort must differ (both are {siloPort}).");
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException("KeyGrains cannot start: " + string.Join(" ", errors));
        }

        return new(storage, sqlitePath, clustering, postgres, clusterId, serviceId, siloPort, gatewayPort);
    }

    private static string? ReadString(IConfiguration configuration, string key) =>
        string.IsNullOrWhiteSpace(configuration[key]) ? null : configuration[key]!.Trim();

    private static T ReadEnum<T>(IConfiguration configuration, string key, T fallback, List<string> errors)
        where T : struct, Enum
    {
        var raw = ReadString(configuration, key);
        if (raw is null)
        {
            return fallback;
        }

        // Numbers would parse as enum values too; only the names are meaningful settings.
        if (Enum.TryParse<T>(raw, ignoreCase: true, out var value) && !char.IsAsciiDigit(raw[0]) && raw[0] != '-')
        {
            return value;
        }

        errors.Add($"{key} is '{raw}' but must be one of {string.Join(", ", Enum.GetNames<T>())}.");
        return fallback;
    }

    private static int ReadPort(IConfiguration configuration, string key, int fallback, List<string> errors)
    {
        var raw = ReadString(configuration, key);
        if (raw is null)
        {
            return fallback;
        }

        if (int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535)
        {
            return port;
        }

        errors.Add($"{key} is '{raw}' but must be a port number from 0 to 65535.");
        return fallback;
    }
}
