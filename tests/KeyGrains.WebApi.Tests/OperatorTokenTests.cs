using System.Net;
using Microsoft.Extensions.Options;

namespace KeyGrains.WebApi.Tests;

/// <summary>The operator token: trimmed, long enough when configured, and rotatable.</summary>
public sealed class OperatorTokenTests
{
    private const string First = "kgop_first-operator-token-abcdefghijklmnop";
    private const string Second = "kgop_second-operator-token-qrstuvwxyz012345";

    [Fact]
    public async Task AConfiguredTokenShorterThan32Characters_StopsTheStart_NamingTheSetting()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            ApiHost.StartAsync(new Dictionary<string, string?> { ["Authority:OperatorToken"] = "  short-token-of-31-characters!  " }));
        Assert.Contains("Authority:OperatorToken", error.Message);
        Assert.Contains("32", error.Message);
    }

    [Fact]
    public async Task AConfiguredToken_IsTrimmed_LikeAPresentedOne()
    {
        await using var host = await ApiHost.StartAsync(new Dictionary<string, string?> { ["Authority:OperatorToken"] = "  " + First + "\n" });
        using var op = host.Client(bearer: First);
        (await op.Post("/v1/orgs", new { name = "Trimmed" })).Ok(HttpStatusCode.Created);
    }

    [Fact]
    public async Task ChangingTheSetting_RotatesTheToken_ForNodesThatReadTheStoredHashToo_AndRegenerateReplacesIt()
    {
        var database = Path.Combine(Path.GetTempPath(), "keygrains-webapi-tests", Guid.NewGuid().ToString("N") + ".db");
        await using (var host = await ApiHost.StartAsync(Settings(database, First)))
        {
            await AssertOperator(host, First, works: true);
        }

        await using (var host = await ApiHost.StartAsync(Settings(database, Second)))
        {
            await AssertOperator(host, First, works: false);
            await AssertOperator(host, Second, works: true);
        }

        // A node started without the setting reads the stored hash: the rotated token's.
        await using (var host = await ApiHost.StartAsync(Settings(database, null)))
        {
            await AssertOperator(host, First, works: false);
            await AssertOperator(host, Second, works: true);
        }

        var console = Console.Out;
        var printed = new StringWriter();
        Console.SetOut(printed);
        ApiHost regenerated;
        try
        {
            var settings = Settings(database, null);
            settings["Authority:RegenerateOperatorToken"] = "true";
            regenerated = await ApiHost.StartAsync(settings);
        }
        finally
        {
            Console.SetOut(console);
        }

        await using (regenerated)
        {
            var token = printed.ToString().Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries)
                .Single(w => w.StartsWith("kgop_", StringComparison.Ordinal));
            await AssertOperator(regenerated, Second, works: false);
            await AssertOperator(regenerated, token, works: true);
        }
    }

    private static Dictionary<string, string?> Settings(string database, string? token) => new()
    {
        ["Storage:SqlitePath"] = database,
        ["Authority:OperatorToken"] = token,
    };

    private static async Task AssertOperator(ApiHost host, string token, bool works)
    {
        using var client = host.Client(bearer: token);
        var answer = await client.Get("/v1/orgs/" + Scenario.NewOrgId());
        Assert.Equal(works ? HttpStatusCode.NotFound : HttpStatusCode.Unauthorized, answer.Status);
    }
}
