using System.Security.Claims;
using KeyGrains.Client;
using Microsoft.AspNetCore.HttpOverrides;

// A service whose callers present KeyGrains API keys. Run KeyGrains, then:
//   dotnet run --project samples/KeyGrains.Sample -- --urls http://127.0.0.1:5090 --KeyGrains:Url http://127.0.0.1:5080
//   curl -H "X-API-Key: $KEY" http://127.0.0.1:5090/whoami
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddKeyGrainsClient(o => o.BaseAddress = new Uri(builder.Configuration["KeyGrains:Url"] ?? "http://127.0.0.1:5080"));
builder.Services.AddAuthentication(KeyGrainsClaims.Scheme).AddKeyGrainsApiKey();
builder.Services.AddAuthorizationBuilder().AddKeyGrainsPermissionPolicy("clusters:write");

// Behind a proxy, the client's address (which IP rules are checked against) comes from X-Forwarded-For.
builder.Services.Configure<ForwardedHeadersOptions>(o => o.ForwardedHeaders = ForwardedHeaders.XForwardedFor);

var app = builder.Build();
app.UseForwardedHeaders();
app.UseAuthentication();
app.UseAuthorization();

app.MapGet("/whoami", (ClaimsPrincipal user) => new
{
    keyId = user.FindFirstValue(KeyGrainsClaims.KeyId),
    orgId = user.FindFirstValue(KeyGrainsClaims.OrgId),
    roles = user.FindAll(ClaimTypes.Role).Select(c => c.Value),
    permissions = user.FindAll(KeyGrainsClaims.Permission).Select(c => c.Value),
}).RequireAuthorization();

app.MapPost("/clusters", (ClaimsPrincipal user) => Results.Ok(new { createdBy = user.FindFirstValue(KeyGrainsClaims.KeyId) }))
    .RequireAuthorization("clusters:write");

app.Run();
