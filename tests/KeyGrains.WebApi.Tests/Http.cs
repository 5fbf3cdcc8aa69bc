using System.Net;
using System.Text;
using System.Text.Json;

namespace KeyGrains.WebApi.Tests;

public sealed record Answer(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)
{
    public string? Code => Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;

    public string Str(string name) => Body.GetProperty(name).GetString()!;

    /// <summary>Asserts an RFC 9457 problem with the contract's code.</summary>
    public Answer Problem(HttpStatusCode status, string code)
    {
        Assert.Equal(status, Status);
        Assert.Equal("application/problem+json", Response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, Code);
        Assert.Equal((int)status, Body.GetProperty("status").GetInt32());
        Assert.True(Body.TryGetProperty("title", out _));
        Assert.False(string.IsNullOrEmpty(Body.TryGetProperty("detail", out var detail) ? detail.GetString() : null), "a problem has a detail");
        return this;
    }

    public Answer Ok(HttpStatusCode status = HttpStatusCode.OK)
    {
        Assert.True(status == Status, $"Expected {status}, got {Status}: {Body}");
        return this;
    }
}

public static class Http
{
    public static Task<Answer> Get(this HttpClient c, string path) => c.Send(HttpMethod.Get, path);

    public static Task<Answer> Delete(this HttpClient c, string path) => c.Send(HttpMethod.Delete, path);

    public static Task<Answer> Post(this HttpClient c, string path, object? body = null) => c.Send(HttpMethod.Post, path, body);

    public static Task<Answer> Put(this HttpClient c, string path, object? body) => c.Send(HttpMethod.Put, path, body);

    public static Task<Answer> Patch(this HttpClient c, string path, object? body) => c.Send(HttpMethod.Patch, path, body);

    /// <summary>A body that is a string is sent as it is (raw JSON); anything else is serialized.</summary>
    public static async Task<Answer> Send(
        this HttpClient c, HttpMethod method, string path, object? body = null, string contentType = "application/json", IReadOnlyDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var sent = body as string ?? (body is null ? null : JsonSerializer.Serialize(body, new JsonSerializerOptions(JsonSerializerDefaults.Web)));
        if (sent is not null)
        {
            request.Content = new StringContent(sent, Encoding.UTF8, body is string ? contentType : "application/json");
        }

        var response = await c.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        await OpenApiContract.CheckAsync(request, sent, response, text);
        var json = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return new Answer(response.StatusCode, json, response);
    }
}
