using System.Net;
using Orleans;
using Orleans.Runtime;

namespace KeyGrains.Observability.Tests;

/// <summary>A scripted run of verifications with known codes, then what <c>/metrics</c> says about it.</summary>
[Collection(ApiCollection.Name)]
public sealed class MetricsTests(ApiFixture fixture)
{
    private const string Verifications = "keygrains_verifications_total";
    private const string Cache = "keygrains_verification_cache_total";
    private const string Duration = "keygrains_verification_duration_seconds";

    private readonly ApiHost _host = fixture.Host;

    [Fact]
    public async Task Metrics_AfterVerificationsWithKnownCodes_CountsEachCode_AndTheHistogramCountsThemAll()
    {
        var org = await _host.NewOrg();
        var fenced = (await _host.NewKey(org, ["viewer"], allowedIps: ["10.0.0.0/8"])).Str("key");
        var doomed = await _host.NewKey(org, ["viewer"]);
        (await _host.Operator.Post($"/v1/orgs/{org}/keys/{doomed.Str("id")}/revoke")).Ok();
        var before = await Scrape.TakeAsync(_host.Anonymous);

        var script = new (string Key, string? Ip, string Code, int Times)[]
        {
            (fenced, "10.1.2.3", "VALID", 3),
            (fenced, "192.0.2.1", "IP_NOT_ALLOWED", 2),
            (doomed.Str("key"), null, "REVOKED", 1),
            ("kg_not-a-key", null, "NOT_FOUND", 4),
        };
        foreach (var (key, ip, code, times) in script)
        {
            for (var i = 0; i < times; i++)
            {
                Assert.Equal(code, (await _host.Verify(key, ip)).Str("code"));
            }
        }

        var after = await Scrape.TakeAsync(_host.Anonymous);
        foreach (var (_, _, code, times) in script)
        {
            Assert.Equal(times, after.Value(Verifications, ("code", code)) - before.Value(Verifications, ("code", code)));
        }

        Assert.Equal(0, after.Value(Verifications, ("code", "EXPIRED")) - before.Value(Verifications, ("code", "EXPIRED")));
        Assert.Equal(10, after.Value(Duration + "_count") - before.Value(Duration + "_count"));
        Assert.Equal(10, after.Value(Duration + "_bucket", ("le", "+Inf")) - before.Value(Duration + "_bucket", ("le", "+Inf")));
        Assert.True(after.Value(Duration + "_sum") > before.Value(Duration + "_sum"));

        // Buckets in seconds, cumulative: a verification of a loopback request on this host takes less than 10 s.
        Assert.Equal(after.Value(Duration + "_bucket", ("le", "10")), after.Value(Duration + "_bucket", ("le", "+Inf")));
        Assert.True(after.Value(Duration + "_bucket", ("le", "0.0001")) <= after.Value(Duration + "_bucket", ("le", "0.1")));
    }

    [Fact]
    public async Task Metrics_CacheHits_WhileTheNodeHoldsACopy_EvenPastItsGrainsCollection_AndAMissAfterAChange()
    {
        var org = await _host.NewOrg();
        var created = await _host.NewKey(org, ["viewer"]);
        var key = created.Str("key");
        Assert.Equal("VALID", (await _host.Verify(key)).Str("code"));

        // The node keeps copies once its lease is granted, a moment after it starts.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        Scrape before;
        do
        {
            before = await Scrape.TakeAsync(_host.Anonymous);
            Assert.Equal("VALID", (await _host.Verify(key)).Str("code"));
            Assert.True(DateTime.UtcNow < deadline, "The node never answered from a copy.");
        }
        while ((await Scrape.TakeAsync(_host.Anonymous)).Value(Cache, ("result", "hit")) == before.Value(Cache, ("result", "hit")));

        before = await Scrape.TakeAsync(_host.Anonymous);
        Assert.Equal("VALID", (await _host.Verify(key)).Str("code"));
        Assert.Equal("VALID", (await _host.Verify(key)).Str("code"));
        var warm = await Scrape.TakeAsync(_host.Anonymous);
        Assert.Equal(2, warm.Value(Cache, ("result", "hit")) - before.Value(Cache, ("result", "hit")));
        Assert.Equal(0, warm.Value(Cache, ("result", "miss")) - before.Value(Cache, ("result", "miss")));

        // Every idle grain deactivated: the node's copy does not depend on it, and still answers.
        var grains = (IGrainFactory)_host.Services.GetService(typeof(IGrainFactory))!;
        await grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        Assert.Equal("VALID", (await _host.Verify(key)).Str("code"));
        var collected = await Scrape.TakeAsync(_host.Anonymous);
        Assert.Equal(0, collected.Value(Cache, ("result", "miss")) - warm.Value(Cache, ("result", "miss")));

        // A change drops the copy: the next verification fetches a new one.
        (await _host.Operator.Post($"/v1/orgs/{org}/keys/{created.Str("id")}/revoke")).Ok();
        Assert.Equal("REVOKED", (await _host.Verify(key)).Str("code"));
        var changed = await Scrape.TakeAsync(_host.Anonymous);
        Assert.Equal(1, changed.Value(Cache, ("result", "miss")) - collected.Value(Cache, ("result", "miss")));
    }

    [Fact]
    public async Task Metrics_ForwardAuthIsCountedUnderItsEndpoint_AndNeitherHotPathInHostingsRequestSeries()
    {
        const string Requests = "http_server_request_duration_seconds_count";
        var org = await _host.NewOrg();
        var key = (await _host.NewKey(org, ["viewer"])).Str("key");
        var before = await Scrape.TakeAsync(_host.Anonymous);

        for (var i = 0; i < 4; i++)
        {
            using var valid = new HttpRequestMessage(HttpMethod.Get, "/v1/auth");
            valid.Headers.Add("X-API-Key", key);
            Assert.Equal(HttpStatusCode.OK, (await _host.Anonymous.SendAsync(valid)).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await _host.Anonymous.GetAsync("/v1/auth")).StatusCode);
            Assert.Equal("VALID", (await _host.Verify(key)).Str("code"));
        }

        var after = await Scrape.TakeAsync(_host.Anonymous);
        Assert.Equal(4, after.Value(Verifications, ("code", "VALID"), ("endpoint", "auth")) - before.Value(Verifications, ("code", "VALID"), ("endpoint", "auth")));
        Assert.Equal(4, after.Value(Verifications, ("code", "NOT_FOUND"), ("endpoint", "auth")) - before.Value(Verifications, ("code", "NOT_FOUND"), ("endpoint", "auth")));
        Assert.Equal(4, after.Value(Verifications, ("code", "VALID"), ("endpoint", "verify")) - before.Value(Verifications, ("code", "VALID"), ("endpoint", "verify")));
        Assert.Equal(12, after.Value(Duration + "_count") - before.Value(Duration + "_count"));

        // Hosting's series counts the admin API only: at most the first scrape itself, not the twelve calls.
        Assert.InRange(after.Value(Requests) - before.Value(Requests), 0, 2);
    }

    [Fact]
    public async Task Metrics_CarryTheOrleansAspNetCoreAndRuntimeMeters()
    {
        await _host.NewOrg();
        var scrape = await Scrape.TakeAsync(_host.Anonymous);
        Assert.Contains("http_server_request_duration_seconds_bucket", scrape.Text);
        Assert.Contains("aspnetcore_memory_pool_allocated_bytes", scrape.Text);
        Assert.Contains("dotnet_gc_collections", scrape.Text);

        // Left out: Kestrel's pool updates them on every block rented and returned, a cost on every verification.
        Assert.False(scrape.Has("aspnetcore_memory_pool_rented_bytes_total"), "aspnetcore.memory_pool.rented is exported");
        Assert.False(scrape.Has("aspnetcore_memory_pool_pooled_bytes"), "aspnetcore.memory_pool.pooled is exported");
        Assert.True(scrape.Value("orleans_grains") > 0 || scrape.Has("orleans_catalog_activations"), "No Orleans series in:\n" + scrape.Text[..Math.Min(2000, scrape.Text.Length)]);
    }

    [Fact]
    public async Task Dashboard_FromLoopback_IsServed()
    {
        using var response = await _host.Anonymous.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("html", response.Content.Headers.ContentType?.MediaType);
    }
}
