using System.Text.Json;

namespace KeyGrains.Integrations.Tests;

/// <summary><c>kg</c> as a process against a real KeyGrains.</summary>
[Collection(GatewayCollection.Name)]
public sealed class CliTests(Gateways gateways)
{
    private readonly Server _server = gateways.Server;

    private Dictionary<string, string> Env(string? org = null) => new()
    {
        ["KG_URL"] = _server.Url.ToString(),
        ["KG_TOKEN"] = Server.OperatorToken,
        ["KG_ORG"] = org ?? "",
    };

    [Fact]
    public async Task OrgsAndKeys_FromCreateToRevoke_WithJsonForScripts_AndExitCodes()
    {
        var id = "cli-" + Guid.NewGuid().ToString("N")[..16];
        var org = await Kg.RunAsync(Env(), "orgs", "create", "--id", id, "--name", "CLI", "--json");
        Assert.Equal(0, org.ExitCode);
        Assert.Equal(id, JsonDocument.Parse(org.Out).RootElement.GetProperty("id").GetString());
        Assert.Contains("CLI", (await Kg.RunAsync(Env(id), "orgs", "get")).Out, StringComparison.Ordinal);
        Assert.Equal(0, (await Kg.RunAsync(Env(id), "orgs", "update", "--key-limit", "20")).ExitCode);

        var created = await Kg.RunAsync(Env(), "keys", "create", "--org", id, "--role", "viewer", "--json");
        Assert.Equal(0, created.ExitCode);
        var key = JsonDocument.Parse(created.Out).RootElement;
        var secret = key.GetProperty("key").GetString()!;
        var keyId = key.GetProperty("id").GetString()!;
        Assert.Equal(id, key.GetProperty("orgId").GetString());
        Assert.Contains("only time", created.Err, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, created.Err, StringComparison.Ordinal);

        var table = await Kg.RunAsync(Env(id), "keys", "list");
        Assert.StartsWith("ID", table.Out, StringComparison.Ordinal);
        Assert.Contains(keyId, table.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, table.Out, StringComparison.Ordinal);
        Assert.Equal(0, (await Kg.RunAsync(Env(id), "keys", "get", keyId)).ExitCode);
        Assert.Contains("renamed", (await Kg.RunAsync(Env(id), "keys", "update", keyId, "--name", "renamed")).Out, StringComparison.Ordinal);

        Assert.Equal(0, (await Kg.RunAsync(Env(), "verify", secret)).ExitCode);
        Assert.Equal(2, (await Kg.RunAsync(Env(), "verify", secret, "--permission", "clusters:write")).ExitCode);

        var rotated = await Kg.RunAsync(Env(id), "keys", "rotate", keyId, "--grace", "0");
        Assert.Equal(0, rotated.ExitCode);
        var newSecret = rotated.Out.TrimEnd().Split('\n')[^1];
        Assert.Equal(2, (await Kg.RunAsync(Env(), "verify", secret)).ExitCode);
        Assert.Equal(0, (await Kg.RunAsync(Env(), "verify", newSecret)).ExitCode);

        Assert.Equal(0, (await Kg.RunAsync(Env(id), "keys", "revoke", keyId)).ExitCode);
        var refused = await Kg.RunAsync(Env(), "verify", newSecret, "--json");
        Assert.Equal(2, refused.ExitCode);
        Assert.Equal("REVOKED", JsonDocument.Parse(refused.Out).RootElement.GetProperty("code").GetString());
        Assert.Equal(0, (await Kg.RunAsync(Env(id), "keys", "delete", keyId)).ExitCode);
        Assert.Contains("key.deleted", (await Kg.RunAsync(Env(id), "audit")).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Roles_PutListDelete()
    {
        var org = await _server.NewOrgAsync();
        Assert.Equal(0, (await Kg.RunAsync(Env(org), "roles", "put", "deployer", "--permission", "clusters:write", "--permission", "clusters:read")).ExitCode);
        Assert.Contains("deployer", (await Kg.RunAsync(Env(org), "roles", "list")).Out, StringComparison.Ordinal);
        Assert.Equal(0, (await Kg.RunAsync(Env(org), "roles", "delete", "deployer")).ExitCode);
        Assert.DoesNotContain("deployer", (await Kg.RunAsync(Env(org), "roles", "list")).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refusals_Exit2_WithTheProblemOnStderr_AndAnUnreachableService_Exits3()
    {
        var missing = await Kg.RunAsync(Env("no-such-org-" + Guid.NewGuid().ToString("N")[..8]), "orgs", "get");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("not_found", missing.Err, StringComparison.Ordinal);

        var wrongToken = await Kg.RunAsync(new Dictionary<string, string> { ["KG_URL"] = _server.Url.ToString(), ["KG_TOKEN"] = "kgop_wrong" }, "orgs", "get", "--org", "x-y-z");
        Assert.Equal(2, wrongToken.ExitCode);
        Assert.Contains("unauthenticated", wrongToken.Err, StringComparison.Ordinal);

        var unreachable = await Kg.RunAsync(new Dictionary<string, string>(), "verify", "kg_x", "--url", $"http://127.0.0.1:{Ports.Free()}");
        Assert.Equal(3, unreachable.ExitCode);
    }

    [Fact]
    public async Task Completion_ScriptAndSuggestions()
    {
        Assert.Contains("complete -o default -F _kg_complete kg", (await Kg.RunAsync(Env(), "completion", "bash")).Out, StringComparison.Ordinal);
        var suggestions = (await Kg.RunAsync(Env(), "[suggest:11]", "kg keys rot")).Out.Split('\n', StringSplitOptions.TrimEntries);
        Assert.Contains("rotate", suggestions);
        Assert.DoesNotContain("revoke", suggestions);
    }
}
