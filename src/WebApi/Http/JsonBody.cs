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
    public static DomainException Malformed(JsonException e) =>
        DomainException.Invalid(Member(e.Path), "The value is missing, malformed or of the wrong type.");

    public static DomainException Required() => DomainException.Invalid("body", "A JSON object is required.");

    /// <summary>
    /// The body as <typeparamref name="T"/>: at most 65,536 bytes (413), JSON (415, or 400 where the
    /// contract says "not JSON is 400"), and malformed JSON or wrong types as 400 naming the member.
    /// </summary>
    public static async Task<T> ReadAsync<T>(HttpRequest request, bool wrongMediaTypeIs400 = false) where T : class
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
                return buffer.IsEmpty ? throw Required() : Parse<T>(request, buffer, wrongMediaTypeIs400);
            }
            finally
            {
                reader.AdvanceTo(buffer.End);
            }
        }
    }

    private static T Parse<T>(HttpRequest request, ReadOnlySequence<byte> body, bool wrongMediaTypeIs400) where T : class
    {
        if (!request.HasJsonContentType())
        {
            if (wrongMediaTypeIs400)
            {
                throw DomainException.Invalid("body", "The body must be JSON, sent with Content-Type: application/json.");
            }

            throw new BadHttpRequestException("The body must be application/json.", StatusCodes.Status415UnsupportedMediaType);
        }

        var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            // The reader enforces the depth limit on members the serializer skips as well.
            var json = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = options.MaxDepth });
            return JsonSerializer.Deserialize<T>(ref json, options) ?? throw Required();
        }
        catch (JsonException e)
        {
            throw Malformed(e);
        }
    }

    private static string Member(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;

    private static BadHttpRequestException TooLarge() =>
        new("The request body is larger than 65,536 bytes.", StatusCodes.Status413PayloadTooLarge);
}
