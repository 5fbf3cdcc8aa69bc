using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace KeyGrains.Console.Tests;

[Collection(ConsoleCollection.Name)]
public sealed class RolesAndAuditTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task CustomRole_IsCreatedEditedGivenToAKeyAndDeletedWhenUnused()
    {
        var org = await fixture.CreateOrgAsync();
        await using var console = await ConsoleSession.OpenAsOperatorAsync(fixture, org);
        await console.Page.GetByRole(AriaRole.Link, new() { Name = "Roles" }).ClickAsync();
        await Expect(console.Row("admin")).ToContainTextAsync("Built-in");

        await console.Button("Create role").ClickAsync();
        var form = console.Dialog("Create role");
        await form.GetByLabel("Role name").FillAsync("backup-operator");
        await form.GetByLabel("Description").FillAsync("Runs and restores backups");
        await form.GetByLabel("Permissions").FillAsync("backups:*\nclusters read");
        await Expect(form.Locator("#role-permissions-error")).ToContainTextAsync("“clusters read” is not a permission");
        await form.GetByLabel("Permissions").FillAsync("backups:*\nclusters:read");
        await console.Button("Save role").ClickAsync();
        await Expect(form).ToBeHiddenAsync();
        await Expect(console.Row("backup-operator")).ToContainTextAsync("clusters:read");

        await console.Row("backup-operator").GetByRole(AriaRole.Button, new() { Name = "Edit", Exact = true }).ClickAsync();
        var edit = console.Dialog("Edit role backup-operator");
        await edit.GetByLabel("Permissions").FillAsync("backups:*\nclusters:read\nclusters:restart");
        await console.Button("Save role").ClickAsync();
        await Expect(console.Row("backup-operator")).ToContainTextAsync("clusters:restart");
        await console.ScreenshotAsync("roles");

        // The new role is offered in the key form, and a key holding it verifies its permission.
        await console.Page.GetByRole(AriaRole.Link, new() { Name = "API keys" }).ClickAsync();
        await console.Button("Create API key").ClickAsync();
        var keyForm = console.Dialog("Create API key");
        await keyForm.GetByLabel("Name").FillAsync("nightly-backup");
        await keyForm.GetByLabel("backup-operator", new() { Exact = true }).CheckAsync();
        await console.Button("Create").ClickAsync();
        var secretDialog = console.Dialog("Your new API key");
        var secret = await secretDialog.GetByLabel("Secret").InputValueAsync();
        await console.Button("Done").ClickAsync();
        using (var anonymous = fixture.Client())
        {
            var answer = await anonymous.SendAsync(HttpMethod.Post, "/v1/keys/verify", new { key = secret, permissions = new[] { "clusters:restart" } });
            Assert.Equal("VALID", (string)answer["code"]!);
        }

        // Held by an active key: refused in plain words; once the key is revoked, deleted.
        await console.Page.GetByRole(AriaRole.Link, new() { Name = "Roles" }).ClickAsync();
        await Expect(console.Page.GetByRole(AriaRole.Heading, new() { Name = "Roles", Exact = true })).ToBeVisibleAsync();
        await console.Row("backup-operator").GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        var confirm = console.Dialog("Delete this role?");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Delete role" }).ClickAsync();
        await Expect(confirm.GetByRole(AriaRole.Alert)).ToContainTextAsync("An active key still holds");
        await console.ScreenshotAsync("roles-delete-refused");
        await console.Page.Keyboard.PressAsync("Escape");

        var key = (await fixture.Operator.SendAsync(HttpMethod.Get, $"/v1/orgs/{org}/keys?search=nightly"))["items"]![0]!;
        await fixture.Operator.SendAsync(HttpMethod.Post, $"/v1/orgs/{org}/keys/{(string)key["id"]!}/revoke");
        await console.Row("backup-operator").GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Delete role" }).ClickAsync();
        await Expect(confirm).ToBeHiddenAsync();
        await Expect(console.Row("backup-operator")).ToHaveCountAsync(0);
        console.AssertNoScriptErrors();
    }

    [Fact]
    public async Task AuditLog_ShowsNewestFirst_AndPages()
    {
        var org = await fixture.CreateOrgAsync();
        for (var i = 0; i < 30; i++)
        {
            await fixture.Operator.SendAsync(HttpMethod.Put, $"/v1/orgs/{org}/roles/role-{i:00}", new { permissions = new[] { "things:read" } });
        }

        await fixture.CreateKeyAsync(org, "last-action");
        await using var console = await ConsoleSession.OpenAsOperatorAsync(fixture, org);
        await console.Page.GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();

        var rows = console.Page.Locator("#audit-body tr");
        await Expect(rows).ToHaveCountAsync(25);
        await Expect(rows.First).ToContainTextAsync("Key created");
        await Expect(rows.First).ToContainTextAsync("Operator");
        await Expect(rows.Nth(1)).ToContainTextAsync("role-29");
        await Expect(console.Button("Newer")).ToBeDisabledAsync();
        await console.ScreenshotAsync("audit-page-1");

        await console.Button("Older").ClickAsync();
        await Expect(console.Page.GetByText("Page 2")).ToBeVisibleAsync();
        await Expect(rows.First).ToContainTextAsync("role-05");
        await Expect(rows.Last).ToContainTextAsync("Organization created");
        await Expect(console.Button("Older")).ToBeDisabledAsync();

        await console.Button("Newer").ClickAsync();
        await Expect(rows.First).ToContainTextAsync("Key created");
        console.AssertNoScriptErrors();
    }
}
