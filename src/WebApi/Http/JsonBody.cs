using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace KeyGrains.WebApi.Http;

/// <summary>
/// JSON request bodies under the contract's rules. Handlers take typed <c>[FromBody]</c> parameters,
/// whose binding failures <see cref="Problems"/> turns into the answers below; verification reads
/// its body here by hand, because there a body that is not JSON is 400, not 415.
/// </summary>
public static class JsonBody
{
    public const int MaxBytes = 65_536;

    /// <summary>A malformed body or member: the member at fault and a sentence, not the serializer's message, which names CLR types.</summary>
    public static DomainException Malformed(JsonException e) => Malformed(Member(e.Path));

    public static DomainException Required() => DomainException.Invalid("body", "A JSON object is required.");

    /// <summary>Reads one body from a reader positioned before its first token; throws what <see cref="Malformed"/> or <see cref="DomainException"/> gives.</summary>
    public delegate T Parser<out T>(ref Utf8JsonReader json, HttpRequest request);

    /// <summary>
    /// The body as <typeparamref name="T"/>: at most 65,536 bytes (413), JSON (415, or 400 where the
    /// contract says "not JSON is 400"), and malformed JSON or wrong types as 400 naming the member.
    /// </summary>
    public static ValueTask<T> ReadAsync<T>(HttpRequest request, bool wrongMediaTypeIs400 = false) where T : class =>
        ReadAsync(request, wrongMediaTypeIs400, static (ref json, request) =>
        {
            var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
            return JsonSerializer.Deserialize<T>(ref json, options) ?? throw Required();
        });

    /// <summary>
    /// The body read by <paramref name="parse"/> straight from the request's buffers, under the same
    /// rules; nothing is copied, and a body that arrives in many small reads is parsed once, whole.
    /// </summary>
    public static async ValueTask<T> ReadAsync<T>(HttpRequest request, bool wrongMediaTypeIs400, Parser<T> parse)
    {
        if (request.ContentLength > MaxBytes)
        {
            throw TooLarge();
        }

        var reader = request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync(request.HttpContext.RequestAborted);
            var buffer = read.Buffer;
            if (buffer.Length > MaxBytes)
            {
                reader.AdvanceTo(buffer.End);
                throw TooLarge();
            }

            if (!read.IsCompleted)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }

            try
            {
                return buffer.IsEmpty ? throw Required() : Parse(request, buffer, wrongMediaTypeIs400, parse);
            }
            finally
            {
                reader.AdvanceTo(buffer.End);
            }
        }
    }

    /// <summary>A member of the wrong type or malformed, by its name.</summary>
    public static DomainException Malformed(string member) =>
        DomainException.Invalid(member, "The value is missing, malformed or of the wrong type.");

    private static T Parse<T>(HttpRequest request, ReadOnlySequence<byte> body, bool wrongMediaTypeIs400, Parser<T> parse)
    {
        if (!IsJson(request))
        {
            if (wrongMediaTypeIs400)
            {
                throw DomainException.Invalid("body", "The body must be JSON, sent with Content-Type: application/json.");
            }

            throw new BadHttpRequestException("The body must be application/json.", StatusCodes.Status415UnsupportedMediaType);
        }

        try
        {
            // The reader enforces the depth limit on members a parser skips as well.
            var json = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = Security.SecurityComposition.MaxJsonDepth });
            return parse(ref json, request);
        }
        catch (JsonException e)
        {
            throw Malformed(e);
        }
    }

    /// <summary>The two spellings nearly every client sends are compared without parsing the header.</summary>
    private static bool IsJson(HttpRequest request)
    {
        var type = request.ContentType;
        return string.Equals(type, "application/json", StringComparison.OrdinalIgnoreCase)
            || string.Equals(type, "application/json; charset=utf-8", StringComparison.OrdinalIgnoreCase)
            || request.HasJsonContentType();
    }

    private static string Member(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;

    public static BadHttpRequestException TooLarge() =>
        new("The request body is larger than 65,536 bytes.", StatusCodes.Status413PayloadTooLarge);
}
