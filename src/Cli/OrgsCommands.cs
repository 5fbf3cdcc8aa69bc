using System.CommandLine;
using KeyGrains.Client;

namespace KeyGrains.Cli;

/// <summary><c>kg orgs create|get|update</c> (operator).</summary>
public static class OrgsCommands
{
    public static Command Build()
    {
        var name = new Option<string?>("--name") { Description = "Display name, 1-100 characters" };
        var id = new Option<string?>("--id") { Description = "3-63 of [a-z0-9-]; generated when absent" };
        var plan = new Option<string?>("--plan") { Description = "free, standard or enterprise" };
        plan.AcceptOnlyFromAmong("free", "standard", "enterprise");
        var keyLimit = new Option<int?>("--key-limit") { Description = "Active keys allowed, 1-1000" };

        var create = new Command("create", "Create an organization") { Options = { name, id, plan, keyLimit } };
        name.Required = false;
        create.SetAction(KgCommand.Run(async c =>
            c.Output.Item(await c.Client.CreateOrgAsync(new NewOrg(c.Get(name) ?? "", c.Get(id), c.Get(plan), c.Get(keyLimit)), c.Cancel))));

        var get = new Command("get", "Show the organization named by --org");
        get.SetAction(KgCommand.Run(async c => c.Output.Item(await c.Client.GetOrgAsync(c.OrgId, c.Cancel))));

        var update = new Command("update", "Change the organization named by --org") { Options = { name, plan, keyLimit } };
        update.SetAction(KgCommand.Run(async c =>
            c.Output.Item(await c.Client.UpdateOrgAsync(c.OrgId, new OrgChanges(c.Get(name), c.Get(plan), c.Get(keyLimit)), c.Cancel))));

        return new Command("orgs", "Organizations (operator token)") { Subcommands = { create, get, update } };
    }
}
