using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace KeyGrains.Console.Tests;

[Collection(ConsoleCollection.Name)]
public sealed class KeysTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task CreateKey_ShowsTheSecretOnce_AndTheSecretVerifies()
    {
        var org = await fixture.CreateOrgAsync();
        await using var console = await ConsoleSession.OpenAsOperatorAsync(fixture, org);

        await console.Button("Create API key").ClickAsync();
        var form = console.Dialog("Create API key");
        await form.GetByLabel("Name").FillAsync("billing-service");
        await form.GetByLabel("Description").FillAsync("Charges cards every night");
        await form.GetByRole(AriaRole.Group, new() { Name = "Roles" }).GetByLabel("editor", new() { Exact = true }).CheckAsync();
        await form.GetByLabel("Expires").FillAsync(DateTime.UtcNow.AddDays(30).ToString("yyyy-MM-dd"));

        // Checked as typed, next to the field.
        await form.GetByLabel("Allowed IPs").FillAsync("203.0.113.7\n10.0.0/8");
        await Expect(form.Locator("#key-ips-error")).ToContainTextAsync("Line 2");
        await console.ScreenshotAsync("create-key-ip-error");
        await form.GetByLabel("Allowed IPs").FillAsync("203.0.113.7\n10.0.0.0/8");
        await Expect(form.Locator("#key-ips-error")).ToBeHiddenAsync();
        await console.Button("Create").ClickAsync();

        var secretDialog = console.Dialog("Your new API key");
        await Expect(secretDialog).ToBeVisibleAsync();
        await Expect(secretDialog).ToContainTextAsync("will not be shown again");
        await Expect(secretDialog.GetByRole(AriaRole.Button, new() { Name = "Copy" })).ToBeVisibleAsync();
        var secret = await secretDialog.GetByLabel("Secret").InputValueAsync();
        Assert.StartsWith("kg_", secret, StringComparison.Ordinal);
        await console.ScreenshotAsync("create-key-secret");

        await secretDialog.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await Expect(secretDialog).ToBeHiddenAsync();
        Assert.DoesNotContain(secret, await console.EverythingOnThePageAsync(), StringComparison.Ordinal);

        var row = console.Row("billing-service");
        await Expect(row).ToContainTextAsync("Charges cards every night");
        await Expect(row).ToContainTextAsync("editor");
        await Expect(row).ToContainTextAsync("Active");
        await Expect(row).ToContainTextAsync(secret[^4..]);
        await Expect(row).ToContainTextAsync("203.0.113.7, 10.0.0.0/8");
        await Expect(console.Page.GetByText("1 of 10 active keys")).ToBeVisibleAsync();
        await console.ScreenshotAsync("create-key-table");

        Assert.Equal("VALID", await fixture.VerifyAsync(secret, "10.1.2.3"));
        Assert.Equal("IP_NOT_ALLOWED", await fixture.VerifyAsync(secret, "198.51.100.1"));
        console.AssertNoScriptErrors();
    }

    [Fact]
    public async Task SearchAndStatusFilter_NarrowTheTable()
    {
        var org = await fixture.CreateOrgAsync();
        await fixture.CreateKeyAsync(org, "billing-prod", description: "Payments in production");
        await fixture.CreateKeyAsync(org, "search-indexer", description: "Feeds the BILLING index too");
        var (revoked, _) = await fixture.CreateKeyAsync(org, "old-billing");
        await fixture.CreateKeyAsync(org, "metrics");
        await fixture.Operator.SendAsync(HttpMethod.Post, $"/v1/orgs/{org}/keys/{revoked}/revoke");
        await using var console = await ConsoleSession.OpenAsOperatorAsync(fixture, org);
        await Expect(console.KeyRows).ToHaveCountAsync(4);
        await Expect(console.Page.GetByText("3 of 10 active keys")).ToBeVisibleAsync();
        await Expect(console.Row("old-billing")).ToContainTextAsync("Revoked");

        await console.Page.GetByLabel("Search").FillAsync("billing");
        await Expect(console.KeyRows).ToHaveCountAsync(3);
        await console.Page.GetByLabel("Status").SelectOptionAsync("Active");
        await Expect(console.KeyRows).ToHaveCountAsync(2);
        await console.Page.GetByLabel("Status").SelectOptionAsync("Revoked");
        await Expect(console.KeyRows).ToHaveCountAsync(1);
        await Expect(console.KeyRows.First).ToContainTextAsync("old-billing");
        await console.ScreenshotAsync("search-revoked");

        await console.Page.GetByLabel("Search").FillAsync("nothing like this");
        await Expect(console.Page.GetByText("No keys match")).ToBeVisibleAsync();
        console.AssertNoScriptErrors();
    }

    [Fact]
    public async Task CreateKey_PastTheLimit_SaysSoAtTheTopOfTheDialog()
    {
        var org = await fixture.CreateOrgAsync(keyLimit: 1);
        await fixture.CreateKeyAsync(org, "the only one");
        await using var console = await ConsoleSession.OpenAsOperatorAsync(fixture, org);
        await Expect(console.Page.GetByText("1 of 1 active keys")).ToBeVisibleAsync();

        await console.Button("Create API key").ClickAsync();
        var form = console.Dialog("Create API key");
        await form.GetByLabel("Name").FillAsync("one too many");
        await form.GetByLabel("viewer", new() { Exact = true }).CheckAsync();
        await console.Button("Create").ClickAsync();

        await Expect(form.GetByRole(AriaRole.Alert)).ToContainTextAsync("reached its limit of 1 active keys");
        await console.ScreenshotAsync("create-key-limit-reached");
        await console.Page.Keyboard.PressAsync("Escape");
        await Expect(form).ToBeHiddenAsync();
        await Expect(console.KeyRows).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task CreateKey_OnTheFreePlan_SaysThePlanCannot()
    {
        var org = await fixture.CreateOrgAsync(plan: "free");
        await using var console = await ConsoleSession.OpenAsOperatorAsync(fixture, org);
        await Expect(console.Page.GetByText("free plan, which cannot create API keys")).ToBeVisibleAsync();

        await console.Button("Create API key").ClickAsync();
        var form = console.Dialog("Create API key");
        await form.GetByLabel("Name").FillAsync("not allowed");
        await form.GetByLabel("viewer", new() { Exact = true }).CheckAsync();
        await console.Button("Create").ClickAsync();

        await Expect(form.GetByRole(AriaRole.Alert)).ToContainTextAsync("The free plan cannot create API keys");
    }

    [Fact]
    public async Task Edit_ChangesNameDescriptionRolesAndIps()
    {
        var org = await fixture.CreateOrgAsync();
        var (id, secret) = await fixture.CreateKeyAsync(org, "deploy-bot", description: "CI");
        await using var console = await ConsoleSession.OpenAsOperatorAsync(fixture, org);

        await console.Row("deploy-bot").GetByRole(AriaRole.Button, new() { Name = "Edit", Exact = true }).ClickAsync();
        var form = console.Dialog("Edit API key");
        await Expect(form.GetByLabel("Name")).ToHaveValueAsync("deploy-bot");
        await form.GetByLabel("Name").FillAsync("deploy-robot");
        await form.GetByLabel("Description").FillAsync("Deploys main to production");
        await form.GetByLabel("editor", new() { Exact = true }).CheckAsync();
        await form.GetByLabel("viewer", new() { Exact = true }).UncheckAsync();
        await form.GetByLabel("Allowed IPs").FillAsync("2001:db8::/32");
        await console.ScreenshotAsync("edit-key");
        await console.Button("Save").ClickAsync();
        await Expect(form).ToBeHiddenAsync();

        var row = console.Row("deploy-robot");
        await Expect(row).ToContainTextAsync("Deploys main to production");
        await Expect(row).ToContainTextAsync("editor");
        await Expect(row).Not.ToContainTextAsync("viewer");
        await Expect(row).ToContainTextAsync("2001:db8::/32");

        var key = await fixture.Operator.SendAsync(HttpMethod.Get, $"/v1/orgs/{org}/keys/{id}");
        Assert.Equal("deploy-robot", (string)key["name"]!);
        Assert.Equal("IP_NOT_ALLOWED", await fixture.VerifyAsync(secret, "203.0.113.9"));
        Assert.Equal("VALID", await fixture.VerifyAsync(secret, "2001:db8::1"));
        console.AssertNoScriptErrors();
    }

    [Fact]
    public async Task Rotate_WithAGracePeriod_ShowsTheNewSecretOnce_AndBothVerify()
    {
        var org = await fixture.CreateOrgAsync();
        var (_, old) = await fixture.CreateKeyAsync(org, "rotating-key");
        await using var console = await ConsoleSession.OpenAsOperatorAsync(fixture, org);

        await console.Row("rotating-key").GetByRole(AriaRole.Button, new() { Name = "Rotate", Exact = true }).ClickAsync();
        var rotate = console.Dialog("Rotate key");
        await rotate.GetByLabel("1 hour").CheckAsync();
        await console.ScreenshotAsync("rotate-key");
        await console.Button("Rotate key").ClickAsync();

        var secretDialog = console.Dialog("Your new API key");
        await Expect(secretDialog).ToContainTextAsync("keeps working until");
        var secret = await secretDialog.GetByLabel("Secret").InputValueAsync();
        Assert.NotEqual(old, secret);
        await console.Page.Keyboard.PressAsync("Escape");
        await Expect(secretDialog).ToBeHiddenAsync();
        Assert.DoesNotContain(secret, await console.EverythingOnThePageAsync(), StringComparison.Ordinal);
        await Expect(console.Row("rotating-key")).ToContainTextAsync(secret[^4..]);

        Assert.Equal("VALID", await fixture.VerifyAsync(secret));
        Assert.Equal("VALID", await fixture.VerifyAsync(old));
        console.AssertNoScriptErrors();
    }

    [Fact]
    public async Task Revoke_AfterConfirmation_TheKeyAnswersRevoked()
    {
        var org = await fixture.CreateOrgAsync();
        var (_, secret) = await fixture.CreateKeyAsync(org, "leaked-key");
        await using var console = await ConsoleSession.OpenAsOperatorAsync(fixture, org);

        await console.Row("leaked-key").GetByRole(AriaRole.Button, new() { Name = "Revoke", Exact = true }).ClickAsync();
        var confirm = console.Dialog("Revoke this key?");
        await Expect(confirm).ToContainTextAsync("cannot be undone");
        await console.ScreenshotAsync("revoke-confirm");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Revoke key" }).ClickAsync();
        await Expect(confirm).ToBeHiddenAsync();

        var row = console.Row("leaked-key");
        await Expect(row).ToContainTextAsync("Revoked");
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Edit", Exact = true })).ToHaveCountAsync(0);
        await Expect(console.Page.GetByText("0 of 10 active keys")).ToBeVisibleAsync();
        Assert.Equal("REVOKED", await fixture.VerifyAsync(secret));
        console.AssertNoScriptErrors();
    }

    [Fact]
    public async Task Delete_AfterConfirmation_RemovesTheKey()
    {
        var org = await fixture.CreateOrgAsync();
        var (_, secret) = await fixture.CreateKeyAsync(org, "short-lived");
        await fixture.CreateKeyAsync(org, "keeper");
        await using var console = await ConsoleSession.OpenAsOperatorAsync(fixture, org);

        await console.Row("short-lived").GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        var confirm = console.Dialog("Delete this key?");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Delete key" }).ClickAsync();

        await Expect(console.Row("short-lived")).ToHaveCountAsync(0);
        await Expect(console.KeyRows).ToHaveCountAsync(1);
        Assert.Equal("NOT_FOUND", await fixture.VerifyAsync(secret));
        console.AssertNoScriptErrors();
    }
}
