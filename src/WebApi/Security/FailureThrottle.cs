using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using KeyGrains.WebApi.Auth;
using Microsoft.Extensions.Options;

namespace KeyGrains.WebApi.Security;

/// <summary>
/// Failures per source address, in a fixed window per address from System.Threading.RateLimiting.
/// A failure takes a permit; a request only looks (zero permits), so successful calls never use up
/// the budget and a valid key is never slowed by its own traffic.
/// </summary>
public sealed class FailureThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<IPAddress>? _failures;
    private readonly IPNetwork[] _exempt;

    public FailureThrottle(IOptions<SecurityOptions> options)
    {
        var throttling = options.Value.Throttling;
        _exempt = SecurityOptions.Networks(throttling.ExemptNetworks);
        if (throttling.Enabled)
        {
            var window = new FixedWindowRateLimiterOptions
            {
                PermitLimit = throttling.FailureLimit,
                Window = TimeSpan.FromSeconds(throttling.WindowSeconds),
                QueueLimit = 0,
                AutoReplenishment = true,
            };
            _failures = PartitionedRateLimiter.Create<IPAddress, IPAddress>(a => RateLimitPartition.GetFixedWindowLimiter(a, _ => window));
        }
    }

    public bool Enabled => _failures is not null;

    /// <summary>Whether the caller's address still has budget; the failed lease carries Retry-After.</summary>
    public RateLimitLease Check(HttpContext context) =>
        _failures is not null && SourceOf(context) is { } source ? _failures.AttemptAcquire(source, 0) : Open;

    internal static RateLimitLease Open => OpenLease.Instance;

    /// <summary>A failed verification or a failed admin authentication by the caller's address.</summary>
    public void RecordFailure(HttpContext context)
    {
        if (_failures is not null && SourceOf(context) is { } source)
        {
            _failures.AttemptAcquire(source, 1).Dispose();
        }
    }

    /// <summary>
    /// The address a budget belongs to: the client (behind a trusted proxy, the forwarded one); an
    /// IPv6 client by its /64, because one host usually holds a whole /64 and could rotate through it.
    /// </summary>
    private IPAddress? SourceOf(HttpContext context)
    {
        if (context.PeerAddress() is not { } address)
        {
            return null;
        }

        foreach (var network in _exempt)
        {
            if (network.Contains(address))
            {
                return null;
            }
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes);
    }

    public void Dispose() => _failures?.Dispose();

    private sealed class OpenLease : RateLimitLease
    {
        public static readonly OpenLease Instance = new();

        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}

/// <summary>
/// The rate limiter middleware's global limiter: an address past its failure budget is refused
/// before authentication, so it cannot go on guessing, and costs no grain call.
/// </summary>
public sealed class FailureGate(FailureThrottle throttle) : PartitionedRateLimiter<HttpContext>
{
    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => null;

    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount) => Check(resource);

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Check(resource));

    // Only the API: health probes, the OpenAPI document and the console stay reachable.
    private RateLimitLease Check(HttpContext resource) =>
        resource.Request.Path.StartsWithSegments("/v1") ? throttle.Check(resource) : FailureThrottle.Open;
}
