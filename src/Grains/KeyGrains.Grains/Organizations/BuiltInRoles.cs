namespace KeyGrains.Organizations;

/// <summary>The roles every organization has; they cannot be changed or deleted.</summary>
internal static class BuiltInRoles
{
    public const string Admin = "admin";

    public static readonly RoleRecord[] All =
    [
        new(Admin, "Everything in the organization, including managing its keys.", ["*"]),
        new("editor", "Read and write every resource.", ["*:read", "*:write"]),
        new("viewer", "Read every resource.", ["*:read"]),
    ];

    public static RoleRecord? Find(string name)
    {
        foreach (var role in All)
        {
            if (role.Name == name)
            {
                return role;
            }
        }

        return null;
    }
}
