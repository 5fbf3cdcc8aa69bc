using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace KeyGrains.WebApi.Http;

/// <summary>
/// Reads a JSON request body under the contract's rules: at most 65,536 bytes (413), JSON media
/// type (415), and malformed JSON, wrong types or unknown enum values as 400 naming the member,
/// never a 500. The framework's own binding answers such input with a bare 400 and no field.
/// </summary>
public static class JsonBody
{
    public const int MaxBytes = 65_536;

    /// <summary>
    /// The body as <typeparamref name="T"/>; a missing or empty body is an error. A media type
    /// that is not JSON is 415, or 400 where the contract says "not JSON is 400" (verification).
    /// </summary>
    public static async Task<T> ReadAsync<T>(HttpRequest request, bool wrongMediaTypeIs400 = false) where T : class =>
        await ReadOrDefaultAsync<T>(request, wrongMediaTypeIs400) ?? throw DomainException.Invalid("body", "A JSON object is required.");

    /// <summary>The body as <typeparamref name="T"/>, or null when the body is missing or empty.</summary>
    public static async Task<T?> ReadOrDefaultAsync<T>(HttpRequest request, bool wrongMediaTypeIs400 = false) where T : class
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
                return buffer.IsEmpty ? null : Parse<T>(request, buffer, wrongMediaTypeIs400);
            }
            finally
            {
                reader.AdvanceTo(buffer.End);
            }
        }
    }

    private static T Parse<T>(HttpRequest request, ReadOnlySequence<byte> body, bool wrongMediaTypeIs400) where T : class
    {
        if (!IsJson(request.ContentType))
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
            // The reader enforces the depth limit on members the serializer skips as well (issue 7).
            var json = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = options.MaxDepth });
            return JsonSerializer.Deserialize<T>(ref json, options)
                ?? throw DomainException.Invalid("body", "A JSON object is required.");
        }
        catch (JsonException e)
        {
            // The serializer's message names CLR types; the client gets the member and a sentence.
            throw DomainException.Invalid(Member(e.Path), "The value is missing, malformed or of the wrong type.");
        }
    }

    private static string Member(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;

    private static bool IsJson(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return false;
        }

        var mediaType = contentType.AsSpan();
        var semicolon = mediaType.IndexOf(';');
        if (semicolon >= 0)
        {
            mediaType = mediaType[..semicolon];
        }

        mediaType = mediaType.Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (mediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase)
                && mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    private static BadHttpRequestException TooLarge() =>
        new("The request body is larger than 65,536 bytes.", StatusCodes.Status413PayloadTooLarge);
}
