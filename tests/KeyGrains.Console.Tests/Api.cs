using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace KeyGrains.Console.Tests;

/// <summary>Arranging through the REST API, so each browser test drives only what it is about.</summary>
public static class Api
{
    public static async Task<JsonObject> SendAsync(this HttpClient client, HttpMethod method, string url, object? body = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {url}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject();
    }

    public static async Task<string> CreateOrgAsync(this ConsoleFixture fixture, string plan = "standard", int keyLimit = 10)
    {
        var id = $"t-{Guid.NewGuid():N}"[..20];
        await fixture.Operator.SendAsync(HttpMethod.Post, "/v1/orgs", new { id, name = $"Org {id}", plan, keyLimit });
        return id;
    }

    /// <summary>Creates a key and returns (id, secret).</summary>
    public static async Task<(string Id, string Secret)> CreateKeyAsync(this ConsoleFixture fixture, string org, string name, string[]? roles = null, string? description = null)
    {
        var key = await fixture.Operator.SendAsync(HttpMethod.Post, $"/v1/orgs/{org}/keys", new { name, description, roles = roles ?? ["viewer"] });
        return ((string)key["id"]!, (string)key["key"]!);
    }

    public static async Task<string> VerifyAsync(this ConsoleFixture fixture, string secret, string? ip = null)
    {
        using var anonymous = fixture.Client();
        var answer = await anonymous.SendAsync(HttpMethod.Post, "/v1/keys/verify", new { key = secret, ip });
        return (string)answer["code"]!;
    }
}
