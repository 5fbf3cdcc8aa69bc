using System.CommandLine;
using KeyGrains.Client;

namespace KeyGrains.Cli;

/// <summary><c>kg keys create|list|get|update|rotate|revoke|delete</c> in the organization named by --org.</summary>
public static class KeysCommands
{
    public static Command Build()
    {
        var keyId = new Argument<string>("key-id") { Description = "The key's id" };
        var roles = new Option<string[]>("--role") { Description = "A role the key holds (repeat for more)", AllowMultipleArgumentsPerToken = false };
        var name = new Option<string?>("--name") { Description = "Up to 100 characters" };
        var description = new Option<string?>("--description") { Description = "Up to 500 characters; \"\" clears it on update" };
        var expiresAt = new Option<DateTimeOffset?>("--expires-at") { Description = "When the key stops working (RFC 3339)" };
        var allowedIps = new Option<string[]>("--allowed-ip") { Description = "An address or CIDR block the key may be used from (repeat for more)" };
        var noExpiry = new Option<bool>("--no-expiry") { Description = "On update: the key never expires" };
        var anyIp = new Option<bool>("--any-ip") { Description = "On update: drop the address rules" };
        var idempotencyKey = new Option<string?>("--idempotency-key") { Description = "Repeat-safe creation or rotation (32-255 visible ASCII characters)" };

        var create = new Command("create", "Create a key; its secret is printed once") { Options = { roles, name, description, expiresAt, allowedIps, idempotencyKey } };
        create.SetAction(KgCommand.Run(async c =>
        {
            var spec = new KeySpec(c.Get(roles) ?? [], c.Get(name), c.Get(description), c.Get(expiresAt), NullIfEmpty(c.Get(allowedIps)));
            return c.Output.Secret(await c.Client.CreateKeyAsync(c.OrgId, spec, c.Get(idempotencyKey), c.Cancel));
        }));

        var status = new Option<string?>("--status") { Description = "active, revoked, expired or all" };
        status.AcceptOnlyFromAmong("active", "revoked", "expired", "all");
        var search = new Option<string?>("--search") { Description = "A substring of name or description" };
        var limit = new Option<int?>("--limit") { Description = "1-1000, default 100" };
        var cursor = new Option<string?>("--cursor") { Description = "The next page, from a previous answer" };
        var list = new Command("list", "List keys, newest first") { Options = { status, search, limit, cursor } };
        list.SetAction(KgCommand.Run(async c =>
        {
            var page = await c.Client.ListKeysAsync(c.OrgId, c.Get(status), c.Get(search), c.Get(limit), c.Get(cursor), c.Cancel);
            var code = c.Output.Table(page, page.Items, "id", "name", "status", "roles", "last4", "expiresAt", "lastUsedAt");
            if (!c.Output.IsJson && page.Next is not null)
            {
                Console.Error.WriteLine($"more: --cursor {page.Next}");
            }

            return code;
        }));

        var get = new Command("get", "Show a key") { Arguments = { keyId } };
        get.SetAction(KgCommand.Run(async c => c.Output.Item(await c.Client.GetKeyAsync(c.OrgId, c.Get(keyId), c.Cancel))));

        var update = new Command("update", "Change a key's name, description, roles, expiry or address rules")
        {
            Arguments = { keyId },
            Options = { name, description, roles, expiresAt, noExpiry, allowedIps, anyIp },
        };
        update.SetAction(KgCommand.Run(async c =>
        {
            var changes = new KeyChanges(
                c.Get(name),
                c.Get(description) is { } d ? new Change<string?>(d.Length == 0 ? null : d) : null,
                NullIfEmpty(c.Get(roles)),
                c.Get(noExpiry) ? new Change<DateTimeOffset?>(null) : c.Get(expiresAt) is { } at ? new Change<DateTimeOffset?>(at) : null,
                c.Get(anyIp) ? new Change<string[]?>(null) : NullIfEmpty(c.Get(allowedIps)) is { } ips ? new Change<string[]?>(ips) : null);
            return c.Output.Item(await c.Client.UpdateKeyAsync(c.OrgId, c.Get(keyId), changes, c.Cancel));
        }));

        var grace = new Option<int?>("--grace") { Description = "Seconds the old secret keeps working, 0-86400 (default 0)" };
        var rotate = new Command("rotate", "Give a key a new secret; printed once") { Arguments = { keyId }, Options = { grace, idempotencyKey } };
        rotate.SetAction(KgCommand.Run(async c =>
            c.Output.Secret(await c.Client.RotateKeyAsync(c.OrgId, c.Get(keyId), c.Get(grace), c.Get(idempotencyKey), c.Cancel))));

        var revoke = new Command("revoke", "Revoke a key, for good") { Arguments = { keyId } };
        revoke.SetAction(KgCommand.Run(async c => c.Output.Item(await c.Client.RevokeKeyAsync(c.OrgId, c.Get(keyId), c.Cancel))));

        var delete = new Command("delete", "Delete a key") { Arguments = { keyId } };
        delete.SetAction(KgCommand.Run(async c =>
        {
            await c.Client.DeleteKeyAsync(c.OrgId, c.Get(keyId), c.Cancel);
            return c.Output.Done($"Deleted {c.Get(keyId)}.");
        }));

        return new Command("keys", "API keys of the organization named by --org") { Subcommands = { create, list, get, update, rotate, revoke, delete } };
    }

    private static string[]? NullIfEmpty(string[]? values) => values is { Length: > 0 } ? values : null;
}
