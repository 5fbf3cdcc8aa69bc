using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace KeyGrains.Console.Tests;

/// <summary>One browser tab on the console, in its own context (its own sessionStorage).</summary>
public sealed class ConsoleSession : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly List<string> _errors = [];

    private ConsoleSession(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;

        // Script errors and CSP violations surface as console errors; a refused API call's
        // "Failed to load resource" is expected in tests that are refused on purpose.
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                _errors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => _errors.Add(error);
    }

    public IPage Page { get; }

    public static async Task<ConsoleSession> OpenAsync(ConsoleFixture fixture, BrowserNewContextOptions? options = null)
    {
        options ??= new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1366, Height = 860 } };
        options.BaseURL = fixture.Address.ToString();
        var context = await fixture.Browser.NewContextAsync(options);
        context.SetDefaultTimeout(10_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/console");
        return new ConsoleSession(context, page);
    }

    public ILocator Button(string name) => Page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    public ILocator Dialog(string name) => Page.GetByRole(AriaRole.Dialog, new() { Name = name, Exact = true });

    public ILocator Row(string text) => Page.GetByRole(AriaRole.Row).Filter(new() { HasText = text });

    public ILocator KeyRows => Page.Locator("#keys-body tr");

    public async Task SignInAsync(string credential)
    {
        await Page.GetByLabel("API key or operator token").FillAsync(credential);
        await Button("Sign in").ClickAsync();
    }

    /// <summary>A new tab, signed in as the operator, on the organization's keys.</summary>
    public static async Task<ConsoleSession> OpenAsOperatorAsync(ConsoleFixture fixture, string org, BrowserNewContextOptions? options = null)
    {
        var console = await OpenAsync(fixture, options);
        await console.OpenOrgAsync(org);
        return console;
    }

    public async Task OpenOrgAsync(string org)
    {
        await SignInAsync(ConsoleFixture.OperatorToken);
        await Page.GetByLabel("Organization ID", new() { Exact = true }).FillAsync(org);
        await Button("Open").ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "API keys", Exact = true })).ToBeVisibleAsync();
    }

    public Task ScreenshotAsync(string name) =>
        Page.ScreenshotAsync(new() { Path = Path.Combine(ConsoleFixture.ScreenshotDir, $"{name}.png"), FullPage = true });

    /// <summary>Every text and form value on the page, to prove a secret is no longer in it.</summary>
    public Task<string> EverythingOnThePageAsync() =>
        Page.EvaluateAsync<string>("() => document.documentElement.outerHTML + [...document.querySelectorAll('input, textarea')].map(e => e.value).join('\\n')");

    public void AssertNoScriptErrors() => Assert.Empty(_errors);

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
