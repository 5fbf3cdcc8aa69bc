using KeyGrains.Keys;
using KeyGrains.Organizations.KeyChanges;

namespace KeyGrains.Organizations;

public sealed partial class OrganizationGrain
{
    public async Task<RoleInfo[]> GetRoles()
    {
        await EnsureReadyAsync();
        var roles = new List<RoleInfo>(BuiltInRoles.All.Length + State.Roles.Count);
        foreach (var role in BuiltInRoles.All)
        {
            roles.Add(new RoleInfo(role.Name, role.Description, role.Permissions, BuiltIn: true));
        }

        foreach (var role in State.Roles.Values.OrderBy(r => r.Name, StringComparer.Ordinal))
        {
            roles.Add(new RoleInfo(role.Name, role.Description, role.Permissions, BuiltIn: false));
        }

        return [.. roles];
    }

    /// <summary>
    /// Creates or replaces a custom role; every key holding it gets the new permissions before this
    /// returns, so their next verification already sees them.
    /// </summary>
    public async Task<RoleInfo> UpsertRole(string name, string? description, string[] permissions, Caller caller)
    {
        await EnsureReadyAsync();
        name = Rules.RoleName(name);
        if (BuiltInRoles.Find(name) is not null)
        {
            throw new DomainException(ErrorCode.Conflict, $"The built-in role '{name}' cannot be changed.");
        }

        var role = new RoleRecord(name, Rules.Description(description), Rules.RolePermissions(permissions));
        EnsureHoldersStayWithinCap(role);
        State.Roles[name] = role;
        await ChangeKeysAsync(RoleChanged.Upserted(caller, role, ReresolveKeysHolding(name, dropRole: false)));
        return new RoleInfo(role.Name, role.Description, role.Permissions, BuiltIn: false);
    }

    /// <summary>Refused while an active key holds the role; keys that are not active lose it.</summary>
    public async Task DeleteRole(string name, Caller caller)
    {
        await EnsureReadyAsync();
        if (BuiltInRoles.Find(name) is not null)
        {
            throw new DomainException(ErrorCode.Conflict, $"The built-in role '{name}' cannot be deleted.");
        }

        if (!State.Roles.ContainsKey(name))
        {
            throw DomainException.NotFound("The role");
        }

        var now = Now;
        foreach (var record in State.Keys.Values)
        {
            if (record.StatusAt(now) == KeyStatus.Active && Array.IndexOf(record.Roles, name) >= 0)
            {
                throw new DomainException(ErrorCode.Conflict, $"The role '{name}' is held by active key '{record.Id}'; change or revoke that key first.");
            }
        }

        State.Roles.Remove(name);
        await ChangeKeysAsync(RoleChanged.Deleted(caller, name, ReresolveKeysHolding(name, dropRole: true)));
    }

    /// <summary>Existing, distinct roles (1 to 20) and the union of the permissions they grant.</summary>
    private (string[] Roles, string[] Permissions) ResolveRoles(string[]? roles)
    {
        if (roles is null || roles.Length is 0 or > Validation.MaxRolesPerKey)
        {
            throw DomainException.Invalid("roles", "A key needs 1 to 20 roles.");
        }

        var names = new List<string>(roles.Length);
        foreach (var role in roles)
        {
            if (FindRole(role) is null)
            {
                throw DomainException.Invalid("roles", $"The role '{role}' does not exist.");
            }

            if (!names.Contains(role))
            {
                names.Add(role);
            }
        }

        return ([.. names], Rules.KeyPermissions(PermissionsOf(names)));
    }

    /// <summary>
    /// Refuses a role under which a key holding it would grant more patterns than a key may. A key
    /// already past the cap (granted before there was one) may still have its roles shrink.
    /// </summary>
    private void EnsureHoldersStayWithinCap(RoleRecord role)
    {
        foreach (var record in State.Keys.Values)
        {
            if (Array.IndexOf(record.Roles, role.Name) < 0)
            {
                continue;
            }

            var granted = PermissionsOf(record.Roles, role).Length;
            if (granted > record.Permissions.Length && Rules.KeyPermissionsProblem(granted, record.Id) is { } problem)
            {
                throw DomainException.Invalid("permissions", problem);
            }
        }
    }

    /// <summary>The distinct patterns <paramref name="roles"/> grant, in role order; <paramref name="replacing"/> stands for the stored role of its name.</summary>
    private string[] PermissionsOf(IEnumerable<string> roles, RoleRecord? replacing = null)
    {
        var permissions = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var role in roles)
        {
            var record = role == replacing?.Name ? replacing : FindRole(role);
            foreach (var permission in record?.Permissions ?? [])
            {
                if (seen.Add(permission))
                {
                    permissions.Add(permission);
                }
            }
        }

        return [.. permissions];
    }

    private RoleRecord? FindRole(string? name) =>
        name is null ? null : BuiltInRoles.Find(name) ?? State.Roles.GetValueOrDefault(name);

    /// <summary>Gives every key holding <paramref name="role"/> the permissions that now follow; returns their ids.</summary>
    private string[] ReresolveKeysHolding(string role, bool dropRole)
    {
        var heldBy = new List<string>();
        foreach (var record in State.Keys.Values.ToArray())
        {
            if (Array.IndexOf(record.Roles, role) < 0)
            {
                continue;
            }

            var roles = dropRole ? Array.FindAll(record.Roles, r => r != role) : record.Roles;
            State.Keys[record.Id] = record with { Roles = roles, Permissions = PermissionsOf(roles), Version = NextVersion() };
            heldBy.Add(record.Id);
        }

        return [.. heldBy];
    }
}
