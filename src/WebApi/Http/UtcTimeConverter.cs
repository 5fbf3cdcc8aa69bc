using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace KeyGrains.WebApi.Http;

/// <summary>
/// Times are RFC 3339: written in UTC ending in <c>Z</c>; read only with an explicit offset or
/// <c>Z</c>, since a time without one would silently take the server's zone.
/// </summary>
public sealed class UtcTimeConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String || reader.ValueSpan.Length > 40)
        {
            throw new JsonException();
        }

        var text = reader.GetString()!;
        if (!HasOffset(text) || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value))
        {
            throw new JsonException();
        }

        return value.ToUniversalTime();
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime);

    private static bool HasOffset(string text)
    {
        var t = text.IndexOfAny(['T', 't']);
        if (t < 0)
        {
            return false;
        }

        var time = text.AsSpan(t);
        return time.EndsWith("Z", StringComparison.OrdinalIgnoreCase) || time.IndexOfAny('+', '-') > 0;
    }
}
