using System.Collections.Frozen;
using System.Text.Json.Nodes;
using KeyGrains.WebApi.Apis;
using KeyGrains.WebApi.Verification;

namespace KeyGrains.WebApi.Hosting;

/// <summary>
/// One example per body the document describes, placed on the type's schema so that every
/// operation using it shows it. The linter checks each against its schema.
/// </summary>
internal static class OpenApiExamples
{
    private const string KeyExample = """
        "id": "k7d2m9x4q1w8e5r3", "orgId": "acme", "name": "ci-deploy", "description": "Deploys from CI",
        "roles": ["deployer"], "status": "active", "last4": "Qx7z", "createdAt": "2026-01-15T09:30:00Z",
        "createdBy": "operator", "expiresAt": "2026-12-31T00:00:00Z", "revokedAt": null, "lastUsedAt": null,
        "allowedIps": ["203.0.113.7", "10.0.0.0/8"]
        """;

    private static readonly FrozenDictionary<Type, string> Examples = new Dictionary<Type, string>
    {
        [typeof(OrgsApi.CreateOrgBody)] = """{ "id": "acme", "name": "Acme", "plan": "standard", "keyLimit": 10 }""",
        [typeof(OrgsApi.UpdateOrgBody)] = """{ "plan": "enterprise", "keyLimit": 50 }""",
        [typeof(OrgInfo)] = """{ "id": "acme", "name": "Acme", "plan": "standard", "keyLimit": 10, "activeKeyCount": 2, "createdAt": "2026-01-15T09:00:00Z" }""",
        [typeof(RolesApi.PutRoleBody)] = """{ "description": "Deploys and reads clusters", "permissions": ["clusters:read", "deployments:*"] }""",
        [typeof(RoleInfo)] = """{ "name": "deployer", "description": "Deploys and reads clusters", "permissions": ["clusters:read", "deployments:*"], "builtIn": false }""",
        [typeof(CreateKeyBody)] = """{ "name": "ci-deploy", "description": "Deploys from CI", "roles": ["deployer"], "expiresAt": "2026-12-31T00:00:00Z", "allowedIps": ["203.0.113.7", "10.0.0.0/8"] }""",
        [typeof(UpdateKeyBody)] = """{ "description": null, "allowedIps": ["2001:db8::/32"] }""",
        [typeof(RotateKeyBody)] = """{ "gracePeriodSeconds": 3600 }""",
        [typeof(RevokeKeyBody)] = "{}",
        [typeof(KeyInfo)] = "{ " + KeyExample + " }",
        [typeof(NewKeyResponse)] = "{ " + KeyExample + """, "key": "kg_k7d2m9x4q1w8e5r3_4fJq9ZtR2bXyLmN0pQsUvWcA8dEgHiKoT1uV3wXy5Z7Qx7zAb12Cd" }""",
        [typeof(VerifyApi.VerifyBody)] = """{ "key": "kg_k7d2m9x4q1w8e5r3_4fJq9ZtR2bXyLmN0pQsUvWcA8dEgHiKoT1uV3wXy5Z7Qx7zAb12Cd", "ip": "203.0.113.7", "permissions": ["clusters:read"] }""",
        [typeof(VerifyApi.VerifyResponse)] = """
            { "valid": true, "code": "VALID", "keyId": "k7d2m9x4q1w8e5r3", "orgId": "acme", "name": "ci-deploy",
              "roles": ["deployer"], "permissions": ["clusters:read", "deployments:*"], "expiresAt": "2026-12-31T00:00:00Z" }
            """,
        [typeof(AuditEvent)] = """
            { "id": 42, "at": "2026-01-15T09:30:00Z", "actor": "operator", "action": "key.created",
              "target": "key:k7d2m9x4q1w8e5r3", "sourceIp": "203.0.113.7", "details": { "name": "ci-deploy" } }
            """,
    }.ToFrozenDictionary();

    public static JsonNode? For(Type type) => Examples.TryGetValue(type, out var json) ? JsonNode.Parse(json) : null;
}
