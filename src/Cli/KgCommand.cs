using System.CommandLine;
using System.Net;
using KeyGrains.Client;
using Microsoft.Extensions.DependencyInjection;

namespace KeyGrains.Cli;

/// <summary>
/// The root command, its global options, and the one road every command takes: the SDK's client,
/// then exit codes the contract of <c>kg</c> promises (0 done, 2 refused or not VALID, 3 unreachable).
/// </summary>
public static class KgCommand
{
    public const int Ok = 0;
    public const int Refused = 2;
    public const int Unreachable = 3;

    public static readonly Option<string> Url = new("--url")
    {
        Description = "The KeyGrains web API (environment KG_URL)",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("KG_URL") is { Length: > 0 } url ? url : "http://127.0.0.1:5080",
    };

    public static readonly Option<string?> Token = new("--token")
    {
        Description = "The operator token or an admin key (environment KG_TOKEN)",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("KG_TOKEN"),
    };

    public static readonly Option<string?> Org = new("--org")
    {
        Description = "The organization (environment KG_ORG)",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("KG_ORG"),
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "Print the API's JSON instead of a table, for scripts",
        Recursive = true,
    };

    public static RootCommand Build()
    {
        var root = new RootCommand("kg: manage and check KeyGrains API keys")
        {
            Options = { Url, Token, Org, Json },
            Subcommands = { OrgsCommands.Build(), KeysCommands.Build(), RolesCommands.Build(), AuditCommand.Build(), VerifyCommand.Build(), CompletionCommand.Build() },
        };
        return root;
    }

    /// <summary>An action that talks to KeyGrains: the client, the output, and the failures as exit codes.</summary>
    public static Func<ParseResult, CancellationToken, Task<int>> Run(Func<Call, Task<int>> action) => async (parse, cancel) =>
    {
        var output = new Output(parse.GetValue(Json));
        if (!Uri.TryCreate(parse.GetValue(Url), UriKind.Absolute, out var url))
        {
            return output.Fail(Refused, "--url must be an absolute URL, say http://127.0.0.1:5080.");
        }

        var services = new ServiceCollection();
        services.AddKeyGrainsClient(o =>
        {
            o.BaseAddress = url;
            o.Token = parse.GetValue(Token);
        });
        await using var provider = services.BuildServiceProvider();
        var call = new Call(parse, provider.GetRequiredService<KeyGrainsClient>(), output, cancel);
        try
        {
            return await action(call);
        }
        catch (KeyGrainsException e) when (e.Status == HttpStatusCode.ServiceUnavailable)
        {
            return output.Problem(Unreachable, e);
        }
        catch (KeyGrainsException e)
        {
            return output.Problem(Refused, e);
        }
        catch (HttpRequestException e)
        {
            return output.Fail(Unreachable, $"KeyGrains at {url} cannot be reached: {e.Message}");
        }
        catch (TaskCanceledException) when (!cancel.IsCancellationRequested)
        {
            return output.Fail(Unreachable, $"KeyGrains at {url} did not answer in time.");
        }
    };
}

/// <summary>What one command's action has at hand.</summary>
public sealed record Call(ParseResult Parse, KeyGrainsClient Client, Output Output, CancellationToken Cancel)
{
    public T Get<T>(Option<T> option) => Parse.GetValue(option)!;

    public T Get<T>(Argument<T> argument) => Parse.GetValue(argument)!;

    /// <summary>The organization from --org or KG_ORG; a command that needs one fails without it.</summary>
    public string OrgId => Parse.GetValue(KgCommand.Org) is { Length: > 0 } org
        ? org
        : throw new KeyGrainsException(HttpStatusCode.BadRequest, "validation_failed", "Name the organization with --org or KG_ORG.", null, null);
}
