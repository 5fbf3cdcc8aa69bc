using System.Diagnostics;
using Npgsql;

namespace KeyGrains.Cluster.Tests;

/// <summary>
/// The PostgreSQL these tests use: <c>deploy/pg.sh start</c> (which installs it when missing) on
/// the script's default port and data directory, so a server a developer already runs is reused.
/// Every test works under its own ClusterId, ServiceId or grain id, so runs never collide.
/// </summary>
public static class Postgres
{
    public const int Port = 55432;
    private static readonly Lazy<Task<string>> Started = new(() => RunScriptAsync("start"));

    public static Task<string> ConnectionStringAsync() => Started.Value;

    /// <summary>Applies deploy/sql/postgres/*.sql again, as an operator would after an upgrade.</summary>
    public static Task ApplySchemaAgainAsync() => RunScriptAsync("schema");

    public static async Task<long> CountAsync(string sql, params (string Name, object Value)[] parameters) =>
        await CountAsync(await ConnectionStringAsync(), sql, parameters);

    public static async Task<long> CountAsync(string connectionString, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "KeyGrains.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("KeyGrains.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>
    /// A server of one test's own on <paramref name="port"/>, for faults (a frozen server) that
    /// must not reach tests elsewhere using the shared one; <see cref="StopPrivateAsync"/> ends it.
    /// </summary>
    public static Task<string> StartPrivateAsync(int port) => RunScriptAsync("start", port);

    public static Task StopPrivateAsync(int port) => RunScriptAsync("stop", port);

    /// <summary>The postmaster of the server on <paramref name="port"/> and every backend it runs.</summary>
    public static int[] ServerPids(int port)
    {
        var postmaster = int.Parse(File.ReadLines($"/tmp/keygrains-pg-{port}/data/postmaster.pid").First(), System.Globalization.CultureInfo.InvariantCulture);
        var children = Directory.GetDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && ParentOf(pid) == postmaster);
        return [postmaster, .. children];
    }

    private static int ParentOf(int pid)
    {
        try
        {
            // /proc/<pid>/stat: "pid (name) state ppid ..."; the name may hold spaces, so read after ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static async Task<string> RunScriptAsync(string command, int port = Port)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(RepoRoot(), "deploy", "pg.sh"), command])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["KG_PG_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"deploy/pg.sh {command} failed ({process.ExitCode}): {await stderr}");
        }
        return (await stdout).Trim();
    }
}
