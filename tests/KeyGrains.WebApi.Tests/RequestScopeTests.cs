using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace KeyGrains.WebApi.Tests;

/// <summary>
/// Hosting's own per-request scope is off (it cost every verification an activity and a scope);
/// admin calls get theirs from <c>RequestScope</c>: their log lines still name the request, and the
/// trace a caller's <c>traceparent</c> started.
/// </summary>
public sealed class RequestScopeTests
{
    [Fact]
    public async Task AdminCallLogLines_CarryRequestIdPath_AndTheCallersTraceId()
    {
        var lines = new Recorder();
        await using var host = await ApiHost.StartAsync(
            new Dictionary<string, string?> { ["Logging:LogLevel:Microsoft.AspNetCore.Routing"] = "Debug" },
            b => b.Logging.AddProvider(lines));

        var org = "scope-" + Guid.NewGuid().ToString("N")[..8];
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/orgs") { Content = System.Net.Http.Json.JsonContent.Create(new { id = org, name = org }) };
        request.Headers.Add("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        (await host.Operator.SendAsync(request)).EnsureSuccessStatusCode();

        var routed = lines.Entries.Where(e => e.Category.StartsWith("Microsoft.AspNetCore.Routing", StringComparison.Ordinal)
            && e.Scopes.TryGetValue("RequestPath", out var path) && Equals(path, "/v1/orgs")).ToList();
        Assert.NotEmpty(routed);
        Assert.All(routed, e =>
        {
            Assert.False(string.IsNullOrEmpty(e.Scopes["RequestId"] as string));
            Assert.Equal("0af7651916cd43dd8448eb211c80319c", e.Scopes["TraceId"]?.ToString());
        });
    }

    private sealed record Entry(string Category, IReadOnlyDictionary<string, object?> Scopes);

    private sealed class Recorder : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public ConcurrentQueue<Entry> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(Recorder owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var scopes = new Dictionary<string, object?>();
                owner._scopes.ForEachScope((scope, into) =>
                {
                    if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                    {
                        foreach (var (name, value) in pairs)
                        {
                            into[name] = value;
                        }
                    }
                }, scopes);
                owner.Entries.Enqueue(new Entry(category, scopes));
            }
        }
    }
}
