using System.Globalization;
using System.Text.Json;
using KeyGrains.Client;

namespace KeyGrains.Cli;

/// <summary>Tables for people, JSON for scripts; errors and warnings on stderr either way.</summary>
public sealed class Output(bool json)
{
    private static readonly JsonSerializerOptions Indented = new(KeyGrainsClient.Json) { WriteIndented = true };

    public bool IsJson => json;

    /// <summary>One resource: its JSON, or one "name: value" line per member.</summary>
    public int Item<T>(T value)
    {
        if (json)
        {
            return Write(value);
        }

        var element = JsonSerializer.SerializeToElement(value, KeyGrainsClient.Json);
        var width = element.EnumerateObject().Max(p => p.Name.Length);
        foreach (var member in element.EnumerateObject())
        {
            Console.Out.WriteLine($"{member.Name.PadRight(width)}  {Text(member.Value)}");
        }

        return KgCommand.Ok;
    }

    /// <summary>Many resources: the JSON of the whole answer, or a table of the named members.</summary>
    public int Table<T>(object answer, IReadOnlyList<T> rows, params string[] columns)
    {
        if (json)
        {
            return Write(answer);
        }

        var cells = rows.Select(r => JsonSerializer.SerializeToElement(r, KeyGrainsClient.Json))
            .Select(e => columns.Select(c => e.TryGetProperty(c, out var v) ? Text(v) : "").ToArray()).ToList();
        var widths = columns.Select((c, i) => Math.Max(c.Length, cells.Count == 0 ? 0 : cells.Max(r => r[i].Length))).ToArray();
        Console.Out.WriteLine(string.Join("  ", columns.Select((c, i) => c.ToUpperInvariant().PadRight(widths[i]))).TrimEnd());
        foreach (var row in cells)
        {
            Console.Out.WriteLine(string.Join("  ", row.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
        }

        return KgCommand.Ok;
    }

    /// <summary>A new secret: printed once, with a warning on stderr that it will not be shown again.</summary>
    public int Secret(NewKey key)
    {
        Console.Error.WriteLine("warning: this is the only time the secret is shown; store it now (it is never stored or shown again).");
        if (json)
        {
            return Write(key);
        }

        Item(key with { Secret = "(below)" });
        Console.Out.WriteLine();
        Console.Out.WriteLine(key.Secret);
        return KgCommand.Ok;
    }

    public int Done(string message)
    {
        if (json)
        {
            Console.Out.WriteLine("{}");
        }
        else
        {
            Console.Out.WriteLine(message);
        }

        return KgCommand.Ok;
    }

    public int Problem(int exitCode, KeyGrainsException e)
    {
        Console.Error.WriteLine($"error: {(int)e.Status} {e.Code}: {e.Detail}");
        foreach (var (field, messages) in e.Errors)
        {
            Console.Error.WriteLine($"  {field}: {string.Join(" ", messages)}");
        }

        return exitCode;
    }

    public int Fail(int exitCode, string message)
    {
        Console.Error.WriteLine("error: " + message);
        return exitCode;
    }

    private static int Write<T>(T value)
    {
        Console.Out.WriteLine(JsonSerializer.Serialize(value, Indented));
        return KgCommand.Ok;
    }

    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => "-",
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Array => string.Join(",", value.EnumerateArray().Select(Text)),
        JsonValueKind.Object => string.Join(" ", value.EnumerateObject().Select(p => $"{p.Name}={Text(p.Value)}")),
        _ => value.GetRawText(),
    };

    public static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
