using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace KeyGrains.Cluster.Tests.Processes;

/// <summary>
/// <c>src/Silo</c> processes and a web API process in <c>Orleans:Mode=Client</c> on loopback, all
/// on the tests' PostgreSQL, as <c>deploy/cluster.sh</c> runs them. One ServiceId per instance, so
/// its grain state is its own; disposing ends every process it started. Every process speaks
/// mutual TLS with a certificate of its own from the instance's throwaway <see cref="Ca"/>.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly List<NodeProcess> _all = [];
    private readonly string _connectionString;
    private readonly string _id = "failover-" + Guid.NewGuid().ToString("N")[..12];

    private LocalCluster(string connectionString, string workDir)
    {
        _connectionString = connectionString;
        WorkDir = workDir;
        OperatorToken = Guid.NewGuid().ToString("N");
        Ca = TestCa.Create(Path.Combine(workDir, "tls"));
        AppDomain.CurrentDomain.ProcessExit += KillAllOnExit;
    }

    public string WorkDir { get; }

    public TestCa Ca { get; }

    /// <summary>The ClusterId and ServiceId of this instance, for a client of its own.</summary>
    public string Id => _id;

    public string ConnectionString => _connectionString;

    public string OperatorToken { get; }

    public HttpClient? Http { get; private set; }

    /// <summary>Settings every process started from now on gets, on top of the common ones.</summary>
    public Dictionary<string, string> Overrides { get; } = [];

    public Dictionary<int, NodeProcess> Silos { get; } = [];

    public NodeProcess? WebApi { get; private set; }

    /// <summary>A cluster on the tests' PostgreSQL, or on the one <paramref name="connectionString"/> names.</summary>
    public static async Task<LocalCluster> CreateAsync(string? connectionString = null)
    {
        connectionString ??= await Postgres.ConnectionStringAsync();
        var workDir = Directory.CreateTempSubdirectory("keygrains-failover-").FullName;
        return new LocalCluster(connectionString, workDir);
    }

    /// <summary>Starts silos under the given numbers and waits until all are Active in the membership table.</summary>
    public async Task StartSilosAsync(params int[] numbers)
    {
        var ports = new List<int>();
        var started = new List<NodeProcess>();
        foreach (var number in numbers)
        {
            var (siloPort, gatewayPort) = (NodeProcess.FreePort(), NodeProcess.FreePort());
            ports.Add(siloPort);
            var environment = CommonEnvironment($"silo-{number}");
            environment["Orleans__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture);
            environment["Orleans__GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture);
            environment["Orleans__AdvertisedIPAddress"] = "127.0.0.1";
            var silo = Track(NodeProcess.Start($"silo-{number}", Built.Dll("Silo/KeyGrains.Silo"), [], environment, WorkDir));
            Silos[number] = silo;
            started.Add(silo);
        }

        await WaitUntilAsync($"silos {string.Join(", ", numbers)} Active", started, async () =>
            await Postgres.CountAsync(
                _connectionString,
                "SELECT count(*) FROM orleans_membership WHERE deployment_id = @d AND status = 3 AND port = ANY(@p)",
                ("d", _id), ("p", ports.ToArray())) == ports.Count);
    }

    /// <summary>Starts the web API in Client mode and waits until <c>/health/ready</c> answers 200.</summary>
    public async Task StartWebApiAsync()
    {
        var port = NodeProcess.FreePort();
        WebApi = Track(StartWebApiProcess("webapi", port, CommonEnvironment("webapi")));

        Http?.Dispose();
        Http = new HttpClient(new SocketsHttpHandler { UseProxy = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            // Longer than the verification retry budget (10 s) plus one response timeout (3 s).
            Timeout = TimeSpan.FromSeconds(30),
        };
        await WaitUntilAsync("the web API ready", [WebApi], async () =>
        {
            try
            {
                using var response = await Http.GetAsync("/health/ready");
                return response.StatusCode == HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        });
    }

    /// <summary>Web API nodes started by <see cref="StartWebNodeAsync"/>, each with its own client.</summary>
    public List<WebNode> WebNodes { get; } = [];

    /// <summary>
    /// Starts one more web API, in Client mode or co-hosting a silo of this cluster, with
    /// <paramref name="settings"/> on top of the common ones, and waits until it is ready.
    /// </summary>
    public async Task<WebNode> StartWebNodeAsync(bool coHosted, IReadOnlyDictionary<string, string>? settings = null)
    {
        var name = $"web-{WebNodes.Count + 1}";
        var port = NodeProcess.FreePort();
        var environment = CommonEnvironment(name);
        if (coHosted)
        {
            environment["Orleans__SiloPort"] = NodeProcess.FreePort().ToString(CultureInfo.InvariantCulture);
            environment["Orleans__GatewayPort"] = NodeProcess.FreePort().ToString(CultureInfo.InvariantCulture);
            environment["Orleans__AdvertisedIPAddress"] = "127.0.0.1";
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var process = Track(StartWebApiProcess(name, port, environment, coHosted ? "CoHosted" : "Client"));
        var http = new HttpClient(new SocketsHttpHandler { UseProxy = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            Timeout = TimeSpan.FromSeconds(90),
        };
        var node = new WebNode(name, process, http);
        WebNodes.Add(node);
        await WaitUntilAsync($"{name} ready", [process], async () =>
        {
            try
            {
                using var response = await http.GetAsync("/health/ready");
                return response.StatusCode == HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        });
        return node;
    }

    /// <summary>
    /// A Client-mode web API process that joins this cluster with the given <paramref name="tls"/>
    /// settings (another CA's, none), for tests that expect it to be turned away.
    /// </summary>
    public NodeProcess StartStrangerWebApi(string name, Dictionary<string, string> tls)
    {
        var environment = CommonEnvironment(null);
        foreach (var (key, value) in tls)
        {
            environment[key] = value;
        }

        return Track(StartWebApiProcess(name, NodeProcess.FreePort(), environment));
    }

    public HttpRequestMessage AsOperator(HttpRequestMessage request)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", OperatorToken);
        return request;
    }

    /// <summary>SIGTERM to the web API and every live silo, in parallel; what is frozen is thawed first.</summary>
    public async Task StopAllAsync()
    {
        if (WebApi is not null)
        {
            await WebApi.StopAsync(TimeSpan.FromSeconds(20));
        }

        await Task.WhenAll(Silos.Values.Select(s => s.StopAsync(TimeSpan.FromSeconds(40))));
        Silos.Clear();
        WebApi = null;
    }

    public string Tails() => string.Join("\n", _all.Select(p => $"--- {p.Name} (pid {p.Id}) ---\n{p.Tail()}"));

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillAllOnExit;
        Http?.Dispose();
        WebNodes.ForEach(n => n.Http.Dispose());
        await Task.WhenAll(_all.Select(p => p.DisposeAsync().AsTask()));
    }

    /// <summary>Keeps the logs of a failed run; a passing run removes its folder.</summary>
    public void RemoveLogs()
    {
        try
        {
            Directory.Delete(WorkDir, recursive: true);
        }
        catch (IOException)
        {
            // A log still held open: it stays in /tmp, harmless.
        }
    }

    // Children inherit this process' environment too: Orleans__Tuning__* set for `dotnet test`
    // reaches every silo and the web API, to measure another tuning.
    private Dictionary<string, string> CommonEnvironment(string? certificate)
    {
        var environment = Settings();
        foreach (var (key, value) in certificate is null ? [] : Ca.Issue(certificate).Environment())
        {
            environment[key] = value;
        }

        foreach (var (key, value) in Overrides)
        {
            environment[key] = value;
        }

        return environment;
    }

    private Dictionary<string, string> Settings() => new()
    {
        ["Storage__Provider"] = "Postgres",
        ["Clustering__Provider"] = "Postgres",
        ["ConnectionStrings__Postgres"] = _connectionString,
        ["Orleans__ClusterId"] = _id,
        ["Orleans__ServiceId"] = _id,
        ["DOTNET_ENVIRONMENT"] = "Production",
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["Logging__LogLevel__Default"] = "Warning",
        ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
        // Membership changes and gateway choices, for reading a failover afterwards.
        ["Logging__LogLevel__Orleans.Runtime.MembershipService"] = "Information",
        ["Logging__LogLevel__Orleans.Messaging"] = "Information",
        ["Logging__Console__TimestampFormat"] = "HH:mm:ss.fff ",
    };

    private NodeProcess StartWebApiProcess(string name, int port, Dictionary<string, string> environment, string mode = "Client")
    {
        environment["Orleans__Mode"] = mode;
        environment["Authority__OperatorToken"] = OperatorToken;
        environment["Authority__DefaultKeyLimit"] = "100";
        // The load stands in for a platform gateway verifying for its users, revoked keys included:
        // the failure throttle would answer it 429 after 20 REVOKED answers a minute.
        environment["Security__Throttling__ExemptNetworks__0"] = "127.0.0.1/32";
        return NodeProcess.Start(name, Built.Dll("WebApi"), ["--urls", $"http://127.0.0.1:{port}"], environment, WorkDir);
    }

    private NodeProcess Track(NodeProcess process)
    {
        lock (_all)
        {
            _all.Add(process);
        }

        return process;
    }

    private void KillAllOnExit(object? sender, EventArgs e)
    {
        lock (_all)
        {
            foreach (var process in _all)
            {
                try
                {
                    process.Kill();
                }
                catch (InvalidOperationException)
                {
                    // Never started or already reaped.
                }
            }
        }
    }

    private async Task WaitUntilAsync(string what, IReadOnlyList<NodeProcess> starting, Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (!await condition())
        {
            var exited = starting.FirstOrDefault(p => p.HasExited);
            if (exited is not null || DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waiting for {what}: {(exited is null ? "timed out" : exited.Name + " exited")}.\n{Tails()}");
            }

            await Task.Delay(200);
        }
    }
}

/// <summary>A web API process of a <see cref="LocalCluster"/> and a client of its HTTP port.</summary>
public sealed record WebNode(string Name, NodeProcess Process, HttpClient Http);
