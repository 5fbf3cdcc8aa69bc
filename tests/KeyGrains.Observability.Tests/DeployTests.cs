using System.Reflection;
using System.Text.RegularExpressions;
using KeyGrains.Hosting;
using KeyGrains.Hosting.Observability;
using KeyGrains.Silo;
using KeyGrains.WebApi.Auth;
using KeyGrains.WebApi.Hosting;
using KeyGrains.WebApi.Verification;
using YamlDotNet.RepresentationModel;

namespace KeyGrains.Observability.Tests;

/// <summary>
/// deploy/ read without a container engine: the YAML parses, every setting it names exists in an
/// options class, and its ports and probe paths are the ones the code and the README use.
/// </summary>
public sealed partial class DeployTests
{
    private static readonly string Root = FindRoot();

    // Where each top-level section is bound: the types whose properties a setting under it may name.
    private static readonly Dictionary<string, Type[]> Sections = new(StringComparer.Ordinal)
    {
        ["Storage"] = [typeof(KeyGrainsSiloOptions)],
        ["Clustering"] = [typeof(KeyGrainsSiloOptions)],
        ["ConnectionStrings"] = [typeof(KeyGrainsSiloOptions)],
        ["Orleans"] = [typeof(KeyGrainsSiloOptions), typeof(OrleansModeOptions)],
        ["Observability"] = [typeof(ObservabilityOptions)],
        ["Authority"] = [typeof(OperatorTokenOptions), typeof(AuthorityOptions)],
        ["Kubernetes"] = [typeof(KubernetesOptions)],
        ["Verification"] = [typeof(VerificationOptions)],
    };

    public static TheoryData<string> YamlFiles() => [.. Directory.GetFiles(Path.Combine(FindRoot(), "deploy"), "*.yaml", SearchOption.AllDirectories)
        .Where(f => !f.Contains("openapi", StringComparison.Ordinal)).Select(f => Path.GetRelativePath(FindRoot(), f))];

    [Theory]
    [MemberData(nameof(YamlFiles))]
    public void Yaml_Parses(string file)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Path.Combine(Root, file))));
        Assert.NotEmpty(stream.Documents);
    }

    [Fact]
    public void Settings_NamedInDeployFiles_AllExistInTheOptionsClasses()
    {
        var files = DeployFiles();
        var names = files.SelectMany(f => SettingName().Matches(File.ReadAllText(f)).Select(m => (File: f, Name: m.Groups["name"].Value))).ToList();
        Assert.Contains(names, n => n.Name == "Observability__HttpPort");
        Assert.Contains(names, n => n.Name == "Kubernetes__Enabled");
        foreach (var (file, name) in names)
        {
            var parts = name.Split("__");
            if (parts[0] == "Logging")
            {
                // The framework's own logging settings, not KeyGrains'.
                continue;
            }

            Assert.True(Sections.TryGetValue(parts[0], out var types), $"{name} in {file}: no options class binds the section {parts[0]}.");
            Assert.True(types.Any(t => Resolves(t, parts[(t == typeof(KeyGrainsSiloOptions) ? 0 : 1)..])), $"{name} in {file} names no property of {string.Join(" or ", types.Select(t => t.Name))}.");
        }
    }

    [Fact]
    public void Ports_AndProbePaths_AgreeWithTheCodeAndTheReadme()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        var defaults = new OrleansNodeOptions();
        var k8s = string.Join("\n", Directory.GetFiles(Path.Combine(Root, "deploy/k8s"), "*.yaml").Select(File.ReadAllText));
        var silo = File.ReadAllText(Path.Combine(Root, "deploy/Dockerfile.silo"));
        var webapi = File.ReadAllText(Path.Combine(Root, "deploy/Dockerfile.webapi"));

        foreach (var path in ProbePath().Matches(k8s + silo + webapi).Select(m => m.Value).Distinct())
        {
            Assert.Contains(path, readme);
        }

        Assert.Contains("path: /health/live", k8s);
        Assert.Contains("path: /health/ready", k8s);
        Assert.Contains($"containerPort: {defaults.SiloPort}", k8s);
        Assert.Contains($"containerPort: {defaults.GatewayPort}", k8s);
        Assert.Contains($"EXPOSE {defaults.SiloPort} {defaults.GatewayPort} 8081", silo);
        Assert.Contains("Observability__HttpPort=8081", silo);
        Assert.Contains("http://127.0.0.1:8081/health/live", silo);
        Assert.Contains("ASPNETCORE_URLS=http://0.0.0.0:8080", webapi);
        Assert.Contains("http://127.0.0.1:8080/health/live", webapi);
        Assert.Contains("containerPort: 8081", k8s);
        Assert.Contains("containerPort: 8080", k8s);
        Assert.Contains("USER app", silo);
        Assert.Contains("USER app", webapi);
    }

    [Fact]
    public void Grafana_Dashboard_Parses_AndQueriesOnlySeriesTheCodeExports()
    {
        var dashboard = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "deploy/grafana/keygrains.json")))!;
        var queries = dashboard["panels"]!.AsArray().SelectMany(p => p!["targets"]!.AsArray().Select(t => t!["expr"]!.GetValue<string>())).ToList();
        Assert.True(queries.Count >= 6);
        string[] exported = ["keygrains_verifications_total", "keygrains_verification_duration_seconds_bucket", "keygrains_verification_cache_total"];
        foreach (var series in queries.SelectMany(q => Series().Matches(q).Select(m => m.Value)))
        {
            // The replication lag panel waits for replica regions, which do not exist yet.
            Assert.True(exported.Contains(series) || series == "keygrains_replication_lag_seconds", $"The dashboard queries {series}, which nothing exports.");
        }

        Assert.All(exported, s => Assert.Contains(queries, q => q.Contains(s, StringComparison.Ordinal)));
    }

    private static bool Resolves(Type type, string[] path)
    {
        foreach (var part in path)
        {
            if (type.IsArray && int.TryParse(part, out _))
            {
                type = type.GetElementType()!;
                continue;
            }

            var property = type.GetProperty(part, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null || !property.CanWrite)
            {
                return false;
            }

            type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        }

        return true;
    }

    private static string[] DeployFiles() =>
    [
        .. Directory.GetFiles(Path.Combine(Root, "deploy/k8s"), "*.yaml"),
        Path.Combine(Root, "deploy/compose.yaml"),
        Path.Combine(Root, "deploy/Dockerfile.silo"),
        Path.Combine(Root, "deploy/Dockerfile.webapi"),
    ];

    private static string FindRoot()
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

    [GeneratedRegex(@"(?<![A-Za-z_])(?<name>[A-Z][A-Za-z]+(__[A-Za-z0-9]+)+)")]
    private static partial Regex SettingName();

    [GeneratedRegex(@"keygrains_[a-z_]+")]
    private static partial Regex Series();

    [GeneratedRegex(@"/health/[a-z]+")]
    private static partial Regex ProbePath();
}
