using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace KeyGrains.Console.Tests;

[Collection(ConsoleCollection.Name)]
public sealed class SignInTests(ConsoleFixture fixture)
{
    [Fact]
    public async Task SignIn_AsOperator_CreatesAndOpensAnOrganization()
    {
        await using var console = await ConsoleSession.OpenAsync(fixture);
        await console.SignInAsync(ConsoleFixture.OperatorToken);
        await Expect(console.Page.GetByRole(AriaRole.Heading, new() { Name = "Choose an organization" })).ToBeVisibleAsync();

        var id = $"ui-{Guid.NewGuid():N}"[..16];
        await console.Page.GetByLabel("Organization name").FillAsync("Umbrella Robotics");
        await console.Page.GetByLabel("Organization ID (optional)").FillAsync(id);
        await console.Page.GetByLabel("Key limit (optional)").FillAsync("5");
        await console.ScreenshotAsync("signin-operator-orgs");
        await console.Button("Create organization").ClickAsync();

        await Expect(console.Page.GetByRole(AriaRole.Heading, new() { Name = "API keys", Exact = true })).ToBeVisibleAsync();
        await Expect(console.Page.Locator("#session-org")).ToContainTextAsync("Umbrella Robotics");
        await Expect(console.Page.GetByText("0 of 5 active keys")).ToBeVisibleAsync();
        await Expect(console.Page.GetByText("No API keys yet")).ToBeVisibleAsync();
        Assert.DoesNotContain(ConsoleFixture.OperatorToken, console.Page.Url, StringComparison.Ordinal);
        await console.ScreenshotAsync("signin-operator-empty-org");
        console.AssertNoScriptErrors();
    }

    [Fact]
    public async Task SignIn_WithWrongCredential_SaysItWasNotAccepted()
    {
        await using var console = await ConsoleSession.OpenAsync(fixture);
        await console.SignInAsync("kg_notakey_0000000000000000000000000000");

        await Expect(console.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("was not accepted");
        await Expect(console.Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to the console" })).ToBeVisibleAsync();
        Assert.Null(await console.Page.EvaluateAsync<string?>("() => sessionStorage.getItem('keygrains.credential')"));
        await console.ScreenshotAsync("signin-refused");
        console.AssertNoScriptErrors();
    }

    [Fact]
    public async Task SignIn_WithAdminKey_GoesStraightToItsOrganization()
    {
        var org = await fixture.CreateOrgAsync();
        var (_, admin) = await fixture.CreateKeyAsync(org, "console admin", ["admin"]);
        await fixture.CreateKeyAsync(org, "existing reader");

        await using var console = await ConsoleSession.OpenAsync(fixture);
        await console.SignInAsync(admin);

        await Expect(console.Page.GetByRole(AriaRole.Heading, new() { Name = "API keys", Exact = true })).ToBeVisibleAsync();
        await Expect(console.Page.Locator("#session-org")).ToContainTextAsync($"Org {org}");
        await Expect(console.Row("existing reader")).ToBeVisibleAsync();
        await Expect(console.Button("Switch organization")).ToBeHiddenAsync();

        // Kept for this tab only, and only in sessionStorage: not in the URL, not in a cookie.
        Assert.Equal(admin, await console.Page.EvaluateAsync<string?>("() => sessionStorage.getItem('keygrains.credential')"));
        Assert.Empty(await console.Page.Context.CookiesAsync());
        Assert.DoesNotContain(admin, console.Page.Url, StringComparison.Ordinal);

        await console.Button("Sign out").ClickAsync();
        await Expect(console.Button("Sign in")).ToBeVisibleAsync();
        Assert.Null(await console.Page.EvaluateAsync<string?>("() => sessionStorage.getItem('keygrains.credential')"));
        console.AssertNoScriptErrors();
    }

    [Fact]
    public async Task SignIn_WithKeyWithoutAdminRole_IsRefusedInPlainWords()
    {
        var org = await fixture.CreateOrgAsync();
        var (_, viewer) = await fixture.CreateKeyAsync(org, "just a viewer");

        await using var console = await ConsoleSession.OpenAsync(fixture);
        await console.SignInAsync(viewer);

        await Expect(console.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("lacks the admin role");
    }
}
