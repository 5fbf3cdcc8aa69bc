// Compiled at test time with the NSwag client generated from the published document (not part of
// the test assembly): each call below must type-check against the generated API and succeed.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;

namespace KeyGrains.Generated;

public static class MainFlow
{
    public static async Task<string[]> RunAsync(HttpClient operatorHttp, HttpClient anonymousHttp)
    {
        var steps = new List<string>();
        var client = new KeyGrainsClient(operatorHttp);
        var orgId = "gen-" + Guid.NewGuid().ToString("N")[..12];

        var org = await client.CreateOrgAsync(new CreateOrgBody { Id = orgId, Name = "Generated client", Plan = Plan.Standard, KeyLimit = 5 });
        Check(org.Id == orgId && org.KeyLimit == 5, "org");
        steps.Add("org");

        var role = await client.PutRoleAsync(orgId, "deployer", new PutRoleBody { Permissions = new List<string> { "clusters:read", "deployments:*" } });
        Check(role.Name == "deployer" && !role.BuiltIn, "role");
        steps.Add("role");

        var idempotencyKey = "generated-client-" + Guid.NewGuid().ToString("N");
        var body = new CreateKeyBody
        {
            Name = "ci",
            Roles = new List<string> { "deployer" },
            ExpiresAt = DateTimeOffset.UtcNow.AddDays(1),
            AllowedIps = new List<string> { "203.0.113.0/24" },
        };
        var created = await client.CreateKeyAsync(orgId, idempotencyKey, body);
        Check(created.Key.StartsWith("kg_", StringComparison.Ordinal) && created.Status == KeyStatus.Active && created.PreviousSecretExpiresAt == default, "key");
        var replayed = await client.CreateKeyAsync(orgId, idempotencyKey, body);
        Check(replayed.Id == created.Id && replayed.Key == created.Key, "key replayed");
        steps.Add("key");

        var page = await client.ListKeysAsync(orgId, "active", null, "10", null);
        Check(page.Items.Count == 1 && page.Items.First().Id == created.Id && page.Next is null, "list");
        steps.Add("list");

        var read = await client.GetKeyAsync(orgId, created.Id);
        Check(read.Last4 == created.Last4 && read.Description is null, "get");
        steps.Add("get");

        var anonymous = new KeyGrainsClient(anonymousHttp);
        var valid = await anonymous.VerifyKeyAsync(new VerifyBody { Key = created.Key, Ip = "203.0.113.9", Permissions = new List<string> { "deployments:write" } });
        var elsewhere = await anonymous.VerifyKeyAsync(new VerifyBody { Key = created.Key, Ip = "198.51.100.1" });
        var unknown = await anonymous.VerifyKeyAsync(new VerifyBody { Key = "kg_nothing" });
        Check(valid.Valid && valid.Code == "VALID" && valid.KeyId == created.Id && elsewhere.Code == "IP_NOT_ALLOWED" && unknown.Code == "NOT_FOUND" && unknown.KeyId is null, "verify");
        steps.Add("verify");

        var rotated = await client.RotateKeyAsync(orgId, created.Id, null, new RotateKeyBody { GracePeriodSeconds = 60 });
        Check(rotated.Id == created.Id && rotated.Key != created.Key && rotated.PreviousSecretExpiresAt > DateTimeOffset.UtcNow, "rotate");
        steps.Add("rotate");

        var revoked = await client.RevokeKeyAsync(orgId, created.Id, new RevokeKeyBody());
        Check(revoked.Status == KeyStatus.Revoked && revoked.RevokedAt is not null, "revoke");
        steps.Add("revoke");

        await client.DeleteKeyAsync(orgId, created.Id);
        try
        {
            await client.GetKeyAsync(orgId, created.Id);
            Check(false, "delete");
        }
        catch (ApiException<Problem> gone) when (gone.StatusCode == 404 && gone.Result.Code == ProblemCode.Not_found)
        {
            steps.Add("delete");
        }

        return steps.ToArray();
    }

    private static void Check(bool condition, string step)
    {
        if (!condition)
        {
            throw new InvalidOperationException($"The generated client's '{step}' step did not get the expected answer.");
        }
    }
}
