using System.Security.Cryptography;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace KeyGrains.Benchmarks;

/// <summary>
/// The servers verification is measured against, each its own process on the slim builder, written
/// the ordinary way: the floor of an HTTP endpoint (<c>minimal</c>), the floor of any verifier that
/// parses the body and hashes the key (<c>json-floor</c>), and what a team writes with a cache
/// (<c>redis-verifier</c>: the floor plus one Redis GET of the key's record by its hash).
/// </summary>
public static class Baselines
{
    public const string RedisPrefix = "bench:key:";

    public static async Task<int> MinimalAsync(string[] args)
    {
        var app = Slim(args);
        app.MapGet("/", () => "ok");
        await app.RunAsync();
        return 0;
    }

    public static async Task<int> JsonFloorAsync(string[] args)
    {
        var app = Slim(args);
        app.MapPost("/v1/keys/verify", async (HttpRequest request) =>
        {
            var body = await request.ReadFromJsonAsync<Body>();
            if (body?.Key is not { } key)
            {
                return Results.BadRequest();
            }

            // The hash every verifier computes, the ordinary way; the answer does not depend on it, as
            // nothing is looked up.
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(key), hash);
            return Results.Ok(new Answer(true, "VALID"));
        });
        await app.RunAsync();
        return 0;
    }

    public static async Task<int> RedisVerifierAsync(string[] args)
    {
        var app = Slim(args);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(app.Configuration["Redis"] ?? "127.0.0.1:6379");
        var db = redis.GetDatabase();
        app.MapPost("/v1/keys/verify", async (HttpRequest request) =>
        {
            var body = await request.ReadFromJsonAsync<Body>();
            if (body?.Key is not { } key)
            {
                return Results.BadRequest();
            }

            var record = await db.StringGetAsync(RedisKey(key));
            return Results.Ok(record.IsNull ? new Answer(false, "NOT_FOUND") : new Answer(true, "VALID"));
        });
        await app.RunAsync();
        return 0;
    }

    /// <summary>Loads each key's record (id and organization) under the hex of its SHA-256.</summary>
    public static async Task SeedRedisAsync(string endpoint, IReadOnlyList<string> keys)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(endpoint);
        var db = redis.GetDatabase();
        foreach (var chunk in keys.Chunk(1000))
        {
            await db.StringSetAsync([.. chunk.Select(k => new KeyValuePair<RedisKey, RedisValue>(RedisKey(k), "{\"orgId\":\"bench\",\"revoked\":false}"))]);
        }
    }

    private static string RedisKey(string key) => RedisPrefix + Convert.ToHexString(ApiKeyFormat.Hash(key));

    private static WebApplication Slim(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.ClearProviders();
        return builder.Build();
    }

    private sealed record Body(string? Key, string? Ip, string[]? Permissions);

    private sealed record Answer([property: JsonPropertyName("valid")] bool Valid, [property: JsonPropertyName("code")] string Code);
}
