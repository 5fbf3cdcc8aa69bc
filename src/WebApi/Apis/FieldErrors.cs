using System.Globalization;
using KeyGrains.WebApi.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KeyGrains.WebApi.Apis;

/// <summary>
/// The failing members of one request, collected before any grain call so that a client sees
/// all its mistakes at once, and answered as one 400 <c>validation_failed</c> with <c>errors</c>.
/// The messages come from <see cref="Rules"/>, the same the grains throw.
/// </summary>
public sealed class FieldErrors
{
    private Dictionary<string, string[]>? _errors;

    public bool Failed => _errors is not null;

    public ValidationProblem Problem() => Problem(_errors!);

    public static ValidationProblem Invalid(string field, string message) =>
        Problem(new Dictionary<string, string[]> { [field] = [message] });

    public static ValidationProblem Problem(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(
            errors,
            detail: "One or more members are not valid.",
            title: Problems.TitleFor(400),
            extensions: new Dictionary<string, object?> { ["code"] = Problems.ValidationFailed });

    /// <summary>Records <paramref name="problem"/> against <paramref name="field"/> unless it is null (the value passed).</summary>
    public void Check(string field, string? problem)
    {
        if (problem is not null)
        {
            Add(field, problem);
        }
    }

    /// <summary>A PATCH member that can be changed but not cleared: present means not null.</summary>
    public void NotNull(string field, bool present, object? value)
    {
        if (present && value is null)
        {
            Add(field, "Must not be null; leave the member out to keep the value.");
        }
    }

    public void Add(string field, string message)
    {
        _errors ??= [];
        _errors[field] = _errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];
    }

    /// <summary>A page size from the query: absent is <paramref name="defaultSize"/>, otherwise 1 to <paramref name="max"/>.</summary>
    public int PageSize(string? limit, int defaultSize, int max)
    {
        if (limit is null)
        {
            return defaultSize;
        }

        if (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size is < 1 || size > max)
        {
            Add("limit", $"Between 1 and {max}.");
        }

        return size;
    }
}
