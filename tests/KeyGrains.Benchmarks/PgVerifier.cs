using System.Security.Cryptography;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace KeyGrains.Benchmarks;

/// <summary>
/// What a team writes instead of KeyGrains: an ASP.NET Core endpoint that looks the key's hash up
/// in PostgreSQL on every request, with one indexed SELECT through a pooled, auto-prepared
/// connection. Built fairly: the same key format and checksum, the same JSON, no extra work.
/// </summary>
public static class PgVerifier
{
    public const string Table = "bench_api_keys";

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.ClearProviders();
        var connectionString = new NpgsqlConnectionStringBuilder(builder.Configuration["ConnectionStrings:Postgres"])
        {
            MaxAutoPrepare = 10,
            AutoPrepareMinUsages = 2,
            MaxPoolSize = 64,
        }.ToString();
        await using var data = NpgsqlDataSource.Create(connectionString);
        var app = builder.Build();
        app.MapPost("/v1/keys/verify", async (HttpRequest request) =>
        {
            var body = await request.ReadFromJsonAsync<Body>();
            if (body?.Key is not { } key)
            {
                return Results.BadRequest();
            }

            if (!ApiKeyFormat.TryReadId(key, out var id))
            {
                return Results.Ok(new Answer(false, "NOT_FOUND"));
            }

            await using var command = data.CreateCommand($"SELECT hash, revoked FROM {Table} WHERE id = $1");
            command.Parameters.AddWithValue(id.ToString());
            await using var reader = await command.ExecuteReaderAsync();
            if (!await reader.ReadAsync())
            {
                return Results.Ok(new Answer(false, "NOT_FOUND"));
            }

            var stored = (byte[])reader[0];
            Span<byte> hash = stackalloc byte[32];
            ApiKeyFormat.Hash(key, hash);
            var code = !CryptographicOperations.FixedTimeEquals(hash, stored) ? "NOT_FOUND" : reader.GetBoolean(1) ? "REVOKED" : "VALID";
            return Results.Ok(new Answer(code == "VALID", code));
        });
        await app.RunAsync();
        return 0;
    }

    /// <summary>Creates the table and loads the keys (id and SHA-256 of the whole key).</summary>
    public static async Task SeedAsync(string connectionString, IReadOnlyList<string> keys)
    {
        await using var data = NpgsqlDataSource.Create(connectionString);
        await using (var create = data.CreateCommand(
            $"DROP TABLE IF EXISTS {Table}; CREATE TABLE {Table} (id text PRIMARY KEY, hash bytea NOT NULL, revoked boolean NOT NULL DEFAULT false)"))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using var connection = await data.OpenConnectionAsync();
        await using var copy = await connection.BeginBinaryImportAsync($"COPY {Table} (id, hash) FROM STDIN (FORMAT BINARY)");
        foreach (var key in keys)
        {
            var id = ApiKeyFormat.TryReadId(key, out var span) ? span.ToString() : throw new ArgumentException("Not a key.", nameof(keys));
            await copy.StartRowAsync();
            await copy.WriteAsync(id);
            await copy.WriteAsync(ApiKeyFormat.Hash(key));
        }

        await copy.CompleteAsync();
    }

    private sealed record Body(string? Key, string? Ip, string[]? Permissions);

    private sealed record Answer([property: JsonPropertyName("valid")] bool Valid, [property: JsonPropertyName("code")] string Code);
}
