using System.Net;
using System.Net.Sockets;
using KeyGrains.WebApi.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KeyGrains.WebApi.Apis;

/// <summary>
/// Validation at the edge: the contract's input rules, answered with 400 before any grain call.
/// Collects every failing member, so a client sees all its mistakes at once.
/// </summary>
public sealed class Edge
{
    private Dictionary<string, string[]>? _errors;

    public bool Failed => _errors is not null;

    public ValidationProblem Problem() => Problem(_errors!);

    public static ValidationProblem Invalid(string field, string message) =>
        Problem(new Dictionary<string, string[]> { [field] = [message] });

    public void Add(string field, string message)
    {
        _errors ??= [];
        _errors[field] = _errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];
    }

    /// <summary>A name or description: no control characters, at most <paramref name="max"/> characters.</summary>
    public void Text(string field, string? value, int max, bool required = false)
    {
        if (value is null)
        {
            if (required)
            {
                Add(field, "Required.");
            }

            return;
        }

        if (required && value.Length == 0)
        {
            Add(field, "Must not be empty.");
        }

        if (value.Length > max)
        {
            Add(field, $"At most {max} characters.");
        }

        if (Validation.ContainsControlCharacters(value))
        {
            Add(field, "Must not contain control characters.");
        }
    }

    public void KeyLimit(int? limit)
    {
        if (limit is < Validation.MinKeyLimit or > Validation.MaxKeyLimit)
        {
            Add("keyLimit", $"Between {Validation.MinKeyLimit} and {Validation.MaxKeyLimit}.");
        }
    }

    public void Roles(string[]? roles)
    {
        if (roles is null || roles.Length is 0 or > Validation.MaxRolesPerKey)
        {
            Add("roles", $"Between 1 and {Validation.MaxRolesPerKey} role names.");
            return;
        }

        foreach (var role in roles)
        {
            if (!Validation.IsValidRoleName(role))
            {
                Add("roles", "Each role name matches [a-z0-9][a-z0-9_.-]{0,63}.");
                return;
            }
        }
    }

    public void AllowedIps(string[]? ips)
    {
        if (ips is null)
        {
            return;
        }

        if (ips.Length > Validation.MaxAllowedIps)
        {
            Add("allowedIps", $"At most {Validation.MaxAllowedIps} addresses or CIDR blocks.");
            return;
        }

        foreach (var ip in ips)
        {
            if (!Validation.TryParseIpRule(ip, out _))
            {
                Add("allowedIps", "Each entry is an IPv4 or IPv6 address or CIDR block.");
                return;
            }
        }
    }

    public void ExpiresAt(DateTimeOffset? expiresAt, DateTimeOffset now)
    {
        if (expiresAt <= now)
        {
            Add("expiresAt", "Must be in the future.");
        }
    }

    private static ValidationProblem Problem(Dictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(
            errors,
            detail: "One or more members are not valid.",
            title: Problems.TitleFor(400),
            extensions: new Dictionary<string, object?> { ["code"] = Problems.ValidationFailed });
}
