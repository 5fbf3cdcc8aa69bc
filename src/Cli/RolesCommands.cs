using System.CommandLine;
using KeyGrains.Client;

namespace KeyGrains.Cli;

/// <summary><c>kg roles list|put|delete</c> in the organization named by --org.</summary>
public static class RolesCommands
{
    public static Command Build()
    {
        var list = new Command("list", "List roles, built-in ones included");
        list.SetAction(KgCommand.Run(async c =>
        {
            var roles = await c.Client.ListRolesAsync(c.OrgId, c.Cancel);
            return c.Output.Table(new ItemList<Role>(roles), roles, "name", "permissions", "builtIn", "description");
        }));

        var name = new Argument<string>("name") { Description = "The role's name" };
        var permissions = new Option<string[]>("--permission") { Description = "A granted permission, * or resource:action (repeat for more)", Required = true };
        var description = new Option<string?>("--description") { Description = "What the role is for" };
        var put = new Command("put", "Create or replace a role") { Arguments = { name }, Options = { permissions, description } };
        put.SetAction(KgCommand.Run(async c =>
            c.Output.Item(await c.Client.PutRoleAsync(c.OrgId, c.Get(name), new RoleDefinition(c.Get(permissions), c.Get(description)), c.Cancel))));

        var delete = new Command("delete", "Delete a role no active key holds") { Arguments = { name } };
        delete.SetAction(KgCommand.Run(async c =>
        {
            await c.Client.DeleteRoleAsync(c.OrgId, c.Get(name), c.Cancel);
            return c.Output.Done($"Deleted role {c.Get(name)}.");
        }));

        return new Command("roles", "Roles of the organization named by --org") { Subcommands = { list, put, delete } };
    }
}

/// <summary><c>kg audit</c>: the organization's audit log, newest first.</summary>
public static class AuditCommand
{
    public static Command Build()
    {
        var limit = new Option<int?>("--limit") { Description = "1-200, default 50" };
        var before = new Option<string?>("--before") { Description = "The next page, from a previous answer" };
        var audit = new Command("audit", "The audit log of the organization named by --org") { Options = { limit, before } };
        audit.SetAction(KgCommand.Run(async c =>
        {
            var page = await c.Client.GetAuditAsync(c.OrgId, c.Get(limit), c.Get(before), c.Cancel);
            return c.Output.Table(page, page.Items, "at", "actor", "action", "target", "sourceIp");
        }));
        return audit;
    }
}

/// <summary><c>kg verify KEY</c>: exit 0 only when the answer is VALID.</summary>
public static class VerifyCommand
{
    public static Command Build()
    {
        var key = new Argument<string>("key") { Description = "The API key to check" };
        var ip = new Option<string?>("--ip") { Description = "The client address the key is used from" };
        var permissions = new Option<string[]>("--permission") { Description = "A permission the key must grant (repeat for more)" };
        var verify = new Command("verify", "Check a key as a service would") { Arguments = { key }, Options = { ip, permissions } };
        verify.SetAction(KgCommand.Run(async c =>
        {
            var answer = await c.Client.VerifyAsync(c.Get(key), c.Get(ip), c.Get(permissions), c.Cancel);
            c.Output.Item(answer);
            return answer.Valid ? KgCommand.Ok : KgCommand.Refused;
        }));
        return verify;
    }
}
