using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using KeyGrains.WebApi.Http;
using KeyGrains.WebApi.Verification;

namespace KeyGrains.WebApi.Tests;

/// <summary>The verify body as the hot path reads it: in place, from however many reads it arrives in.</summary>
[Collection(ApiCollection.Name)]
public sealed class VerifyBodyTests(ApiFixture fixture)
{
    private readonly ApiHost _host = fixture.Host;

    [Fact]
    public async Task Verify_WhenTheBodyArrivesOneByteAtATime_ReadsItWhole()
    {
        var key = (await _host.NewKey(await _host.NewOrg(), ["viewer"])).Str("key");
        var body = Encoding.UTF8.GetBytes($$"""{"key":"{{key}}","permissions":["clusters:read"]}""");

        using var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(_host.Address.Host, _host.Address.Port);
        var stream = tcp.GetStream();
        var head = $"POST /v1/keys/verify HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        foreach (var b in body)
        {
            await stream.WriteAsync(new[] { b });
            await stream.FlushAsync();
            await Task.Delay(2);
        }

        var answer = await new StreamReader(stream).ReadToEndAsync();
        Assert.StartsWith("HTTP/1.1 200", answer, StringComparison.Ordinal);
        Assert.Contains("\"code\":\"VALID\"", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_AtTheLimit_Answers_AndOneByteOver_Is413()
    {
        using var onPurpose = OpenApiContract.InvalidRequestsOnPurpose();
        var key = (await _host.NewKey(await _host.NewOrg(), ["viewer"])).Str("key");
        string Padded(int size)
        {
            var json = $$"""{"key":"{{key}}","pad":""}""";
            return json.Insert(json.Length - 2, new string('x', size - json.Length));
        }

        Assert.Equal(JsonBody.MaxBytes, Encoding.UTF8.GetByteCount(Padded(JsonBody.MaxBytes)));
        Assert.Equal("VALID", (await _host.Anonymous.Send(HttpMethod.Post, "/v1/keys/verify", Padded(JsonBody.MaxBytes))).Ok().Str("code"));
        (await _host.Anonymous.Send(HttpMethod.Post, "/v1/keys/verify", Padded(JsonBody.MaxBytes + 1))).Problem(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    [Fact]
    public async Task Verify_OverTheLimitWithoutContentLength_Is413()
    {
        var body = new MemoryStream(Encoding.UTF8.GetBytes("{\"key\":\"" + new string('x', JsonBody.MaxBytes) + "\"}"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/keys/verify") { Content = new ChunkedContent(body) };
        var response = await _host.Anonymous.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("payload_too_large", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Theory]
    [InlineData("application/json", HttpStatusCode.OK)]
    [InlineData("application/vnd.example+json", HttpStatusCode.OK)]
    [InlineData("APPLICATION/JSON", HttpStatusCode.OK)]
    [InlineData("application/problem+json", HttpStatusCode.OK)]
    [InlineData("text/plain", HttpStatusCode.BadRequest)]
    [InlineData("application/x-www-form-urlencoded", HttpStatusCode.BadRequest)]
    public async Task Verify_ReadsJsonMediaTypesOnly(string mediaType, HttpStatusCode status)
    {
        using var onPurpose = OpenApiContract.InvalidRequestsOnPurpose();
        var key = (await _host.NewKey(await _host.NewOrg(), ["viewer"])).Str("key");
        var answer = await _host.Anonymous.Send(HttpMethod.Post, "/v1/keys/verify", $$"""{"key":"{{key}}"}""", mediaType);
        Assert.Equal(status, answer.Status);
        Assert.Equal(status == HttpStatusCode.OK ? "VALID" : "validation_failed", answer.Code);
    }

    [Theory]
    [InlineData("""{"key":"kg_a","key":"kg_b"}""", "key")]
    [InlineData("""{"key":"kg_a","ip":"10.0.0.1","IP":"10.0.0.2"}""", "ip")]
    [InlineData("""{"key":"kg_a","permissions":[],"permissions":["a:b"]}""", "permissions")]
    public async Task Verify_WhenAMemberIsGivenTwice_Is400NamingIt(string body, string member)
    {
        using var onPurpose = OpenApiContract.InvalidRequestsOnPurpose();
        var answer = (await _host.Anonymous.Send(HttpMethod.Post, "/v1/keys/verify", body)).Problem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(answer.Body.GetProperty("errors").TryGetProperty(member, out _));
    }

    [Theory]
    [InlineData("""{"key":"kg_a"} x""", "body")]
    [InlineData("""{"key":"kg_a"}{}""", "body")]
    [InlineData("""[{"key":"kg_a"}]""", "body")]
    [InlineData("""{"key":5}""", "key")]
    [InlineData("""{"key":"kg_a","ip":["10.0.0.1"]}""", "ip")]
    [InlineData("""{"key":"kg_a","permissions":"a:b"}""", "permissions")]
    [InlineData("""{"key":"kg_a","permissions":[1]}""", "permissions")]
    [InlineData("""{"key":"kg_a","permissions":[null]}""", "permissions")]
    [InlineData("""{"key":"kg_a" /* note */}""", "body")]
    [InlineData("""null""", "body")]
    public async Task Verify_WhenTheBodyIsNotTheShape_Is400NamingTheMember(string body, string member)
    {
        using var onPurpose = OpenApiContract.InvalidRequestsOnPurpose();
        var answer = (await _host.Anonymous.Send(HttpMethod.Post, "/v1/keys/verify", body)).Problem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(answer.Body.GetProperty("errors").TryGetProperty(member, out _), answer.Body.GetRawText());
    }

    [Fact]
    public async Task Verify_ReadsNamesInAnyCase_AndEscapes_AndSkipsOtherMembers()
    {
        // Valid to the server, which binds names in any case, but not the document's spelling.
        using var onPurpose = OpenApiContract.InvalidRequestsOnPurpose();
        var key = (await _host.NewKey(await _host.NewOrg(), ["viewer"])).Str("key");
        var body = $$"""{"other":{"deep":[1,{"x":null}]},"K\u0045Y":"{{key}}","Permissions":["clusters:read"],"iP":null}""";
        Assert.Equal("VALID", (await _host.Anonymous.Send(HttpMethod.Post, "/v1/keys/verify", body)).Ok().Str("code"));
    }

    [Fact]
    public async Task Verify_WithThousandsOfPermissions_Is400()
    {
        using var onPurpose = OpenApiContract.InvalidRequestsOnPurpose();
        var body = "{\"key\":\"kg_a\",\"permissions\":[" + string.Join(',', Enumerable.Repeat("\"a:b\"", 5000)) + "]}";
        (await _host.Anonymous.Send(HttpMethod.Post, "/v1/keys/verify", body)).Problem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task Verify_WhenAStringIsNotUtf8_Is400()
    {
        using var onPurpose = OpenApiContract.InvalidRequestsOnPurpose();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/keys/verify")
        {
            Content = new ByteArrayContent([.. "{\"key\":\"kg_"u8, 0xC3, 0x28, .. "\"}"u8]),
        };
        request.Content.Headers.ContentType = new("application/json");
        var response = await _host.Anonymous.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public void PreparedAnswer_IsWhatTheSerializerWritesForTheDocumentedShape()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new UtcTimeConverter());
        var expires = new DateTimeOffset(2031, 2, 3, 4, 5, 6, 789, TimeSpan.FromHours(2));
        VerifyResult[] results =
        [
            new(VerifyCode.Valid, "k1", "org-1", "svc <&> \"quoted\" é", ["viewer", "admin"], ["*:read"], expires),
            new(VerifyCode.InsufficientPermissions, "k1", "org-1", "svc", [], [], expires),
            VerifyResult.NotFound,
        ];

        foreach (var result in results)
        {
            var expected = JsonSerializer.Serialize(new VerifyApi.VerifyResponse(result), options);
            Assert.Equal(expected, Encoding.UTF8.GetString(result.Utf8Json()));
            Assert.Same(result.Utf8Json(), result.Utf8Json());
        }
    }

    /// <summary>A body sent with chunked transfer encoding: no Content-Length for the server to refuse early.</summary>
    private sealed class ChunkedContent(Stream body) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => body.CopyToAsync(stream);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
