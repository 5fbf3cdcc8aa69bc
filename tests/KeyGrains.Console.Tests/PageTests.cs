using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace KeyGrains.Console.Tests;

/// <summary>What holds for the page as a whole: its headers, the keyboard, phone width, dark theme.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class PageTests(ConsoleFixture fixture)
{
    [Theory]
    [InlineData("/console")]
    [InlineData("/console/app.js")]
    [InlineData("/console/console.css")]
    public async Task ConsoleFiles_CarryTheSecurityHeaders(string path)
    {
        using var client = fixture.Client();
        using var response = await client.GetAsync(path);

        response.EnsureSuccessStatusCode();
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task KeyboardOnly_CreatesAKey_AndEscapeClosesTheDialog()
    {
        var org = await fixture.CreateOrgAsync();
        await using var console = await ConsoleSession.OpenAsOperatorAsync(fixture, org);
        var keyboard = console.Page.Keyboard;

        await console.Button("Create API key").FocusAsync();
        await keyboard.PressAsync("Enter");
        var form = console.Dialog("Create API key");
        await Expect(form.GetByLabel("Name")).ToBeFocusedAsync();
        await keyboard.TypeAsync("typed-by-keyboard");

        // Tab cycles inside the open dialog: from Create it wraps back to Name.
        await console.Button("Create").FocusAsync();
        await keyboard.PressAsync("Tab");
        await Expect(form.GetByLabel("Name")).ToBeFocusedAsync();

        await keyboard.PressAsync("Escape");
        await Expect(form).ToBeHiddenAsync();

        await console.Button("Create API key").FocusAsync();
        await keyboard.PressAsync("Enter");
        await Expect(form.GetByLabel("Name")).ToBeFocusedAsync();
        await keyboard.TypeAsync("typed-by-keyboard");
        await form.GetByLabel("viewer", new() { Exact = true }).FocusAsync();
        await keyboard.PressAsync("Space");
        await console.Button("Create").FocusAsync();
        await keyboard.PressAsync("Enter");
        await Expect(console.Dialog("Your new API key")).ToBeVisibleAsync();
        await Expect(console.Button("Copy")).ToBeFocusedAsync();
        await keyboard.PressAsync("Escape");
        await Expect(console.Row("typed-by-keyboard")).ToBeVisibleAsync();

        // The table's actions are reachable with Tab.
        await console.Row("typed-by-keyboard").GetByRole(AriaRole.Button, new() { Name = "Edit", Exact = true }).FocusAsync();
        await keyboard.PressAsync("Tab");
        await Expect(console.Row("typed-by-keyboard").GetByRole(AriaRole.Button, new() { Name = "Rotate", Exact = true })).ToBeFocusedAsync();
        console.AssertNoScriptErrors();
    }

    [Fact]
    public async Task PhoneWidth_InTheDarkTheme_ShowsKeysAsCards()
    {
        var org = await fixture.CreateOrgAsync();
        await fixture.CreateKeyAsync(org, "mobile-app", ["viewer", "editor"], "The iOS and Android apps");
        var (revoked, _) = await fixture.CreateKeyAsync(org, "retired-app");
        await fixture.Operator.SendAsync(HttpMethod.Post, $"/v1/orgs/{org}/keys/{revoked}/revoke");
        var phone = new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
            ColorScheme = ColorScheme.Dark,
            IsMobile = true,
            HasTouch = true,
        };

        await using var console = await ConsoleSession.OpenAsOperatorAsync(fixture, org, phone);

        await Expect(console.Row("mobile-app")).ToBeVisibleAsync();
        var overflow = await console.Page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth");
        Assert.False(overflow, "The page scrolls sideways at phone width.");
        await console.ScreenshotAsync("phone-dark-keys");

        await console.Button("Create API key").ClickAsync();
        await console.ScreenshotAsync("phone-dark-create");
        console.AssertNoScriptErrors();
    }
}
