using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace KeyGrains.WebApi.Http;

/// <summary>The contract's stable problem codes, and problem details for every error answer.</summary>
public static class Problems
{
    public const string ValidationFailed = "validation_failed";
    public const string Unauthenticated = "unauthenticated";
    public const string Forbidden = "forbidden";
    public const string PlanRestriction = "plan_restriction";
    public const string NotFound = "not_found";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string Conflict = "conflict";
    public const string KeyLimitReached = "key_limit_reached";
    public const string KeyRevoked = "key_revoked";
    public const string PayloadTooLarge = "payload_too_large";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string TooManyRequests = "too_many_requests";
    public const string ServiceUnavailable = "service_unavailable";
    public const string InternalError = "internal_error";

    /// <summary>Seconds a client should wait before retrying a 503.</summary>
    public const int RetryAfterSeconds = 2;

    public static IServiceCollection AddKeyGrainsProblems(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            var status = c.ProblemDetails.Status ?? c.HttpContext.Response.StatusCode;
            c.ProblemDetails.Extensions.TryAdd("code", CodeFor(status));
            c.ProblemDetails.Detail ??= DetailFor(status);
        });

        // Typed bodies the framework cannot bind throw, so that their answers take the road below.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        return services;
    }

    /// <summary>Exceptions, then bare 4xx/5xx answers (unknown routes, 405, ...) become problem details.</summary>
    public static WebApplication UseKeyGrainsProblems(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    public static string CodeFor(int status) => status switch
    {
        400 => ValidationFailed,
        401 => Unauthenticated,
        403 => Forbidden,
        404 => NotFound,
        405 => MethodNotAllowed,
        409 => Conflict,
        413 => PayloadTooLarge,
        415 => UnsupportedMediaType,
        429 => TooManyRequests,
        503 => ServiceUnavailable,
        _ => status >= 500 ? InternalError : ValidationFailed,
    };

    public static ValueTask WriteAsync(HttpContext context, int status, string code, string detail)
    {
        context.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Title = TitleFor(status), Detail = detail };
        problem.Extensions["code"] = code;
        return context.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }

    /// <summary>
    /// A problem answer written once, for refusals a hot path gives often: the same members the
    /// problem-details service writes, less the trace id.
    /// </summary>
    public static byte[] Prepared(int status, string code, string detail)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (TypeFor(status) is { } type)
            {
                json.WriteString("type"u8, type);
            }

            json.WriteString("title"u8, TitleFor(status));
            json.WriteNumber("status"u8, status);
            json.WriteString("detail"u8, detail);
            json.WriteString("code"u8, code);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// For a path that runs outside the middleware (see <c>VerificationPath</c>): the exception
    /// handler's answer, with the same mapping and the answer's headers kept.
    /// </summary>
    public static async Task AnswerExceptionAsync(HttpContext context, Exception exception)
    {
        if (context.Response.HasStarted)
        {
            throw new InvalidOperationException("The answer had started when the request failed.", exception);
        }

        context.Response.Clear();
        await Security.SecurityHeaders.Apply(context);
        foreach (var handler in context.RequestServices.GetServices<IExceptionHandler>())
        {
            if (await handler.TryHandleAsync(context, exception, context.RequestAborted))
            {
                return;
            }
        }

        throw new InvalidOperationException("No exception handler answered.", exception);
    }

    public static string TitleFor(int status) => status switch
    {
        400 => "The request is not valid.",
        401 => "Authentication is required.",
        403 => "The operation is not allowed.",
        404 => "Not found.",
        405 => "Method not allowed.",
        409 => "The request conflicts with the current state.",
        413 => "The request body is too large.",
        415 => "Unsupported media type.",
        429 => "Too many requests.",
        503 => "The service is unavailable.",
        _ => "An error occurred.",
    };

    private static string? TypeFor(int status) => status switch
    {
        400 => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        401 => "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        403 => "https://tools.ietf.org/html/rfc9110#section-15.5.4",
        _ => null,
    };

    /// <summary>The detail of an answer that has only its status (unknown route, wrong method, ...).</summary>
    public static string DetailFor(int status) => status switch
    {
        404 => "Nothing is found at this path.",
        413 => "The request body is larger than 65,536 bytes.",
        405 => "This path does not accept this method.",
        415 => "Send the body as JSON, with Content-Type: application/json.",
        _ => TitleFor(status),
    };

    /// <summary>
    /// The one place exceptions become answers: domain refusals by their code, client input the
    /// framework refused by its status, and infrastructure failures as 503 (never a wrong answer).
    /// </summary>
    private sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> log) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
        {
            ProblemDetails problem;
            switch (exception)
            {
                // The framework could not bind a typed body: the member at fault, or the body as a whole.
                case BadHttpRequestException { StatusCode: 400 } e:
                    problem = Invalid(e.InnerException is JsonException json ? JsonBody.Malformed(json) : JsonBody.Required());
                    break;
                case DomainException { Code: ErrorCode.ValidationFailed } e:
                    problem = Invalid(e);
                    break;
                case DomainException e:
                    problem = new ProblemDetails { Status = StatusFor(e.Code), Detail = e.Message };
                    problem.Extensions["code"] = CodeFor(e.Code);
                    break;
                case BadHttpRequestException e:
                    // Not the framework's message: it quotes request headers back.
                    problem = new ProblemDetails { Status = e.StatusCode, Detail = DetailFor(e.StatusCode) };
                    break;
                case var e when InfrastructureFailure.Is(e):
                    // Logged by type only: infrastructure messages may quote request data.
                    log.LogWarning("Cluster or storage failure answered with 503: {ExceptionType}", e.GetType().FullName);
                    context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    problem = new ProblemDetails { Status = 503, Detail = "The cluster could not answer in time; retry later." };
                    break;
                default:
                    log.LogError("Unexpected failure answered with 500: {ExceptionType}", exception.GetType().FullName);
                    problem = new ProblemDetails { Status = 500, Detail = "An unexpected error occurred." };
                    break;
            }

            problem.Title ??= TitleFor(problem.Status!.Value);
            context.Response.StatusCode = problem.Status!.Value;
            return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
        }

        private static HttpValidationProblemDetails Invalid(DomainException e) =>
            new(new Dictionary<string, string[]> { [e.Field ?? "body"] = [e.Message] }) { Status = 400, Detail = e.Message };

        private static int StatusFor(ErrorCode code) => code switch
        {
            ErrorCode.NotFound => 404,
            ErrorCode.Conflict or ErrorCode.KeyLimitReached or ErrorCode.KeyRevoked => 409,
            ErrorCode.PlanRestriction => 403,
            _ => 400,
        };

        private static string CodeFor(ErrorCode code) => code switch
        {
            ErrorCode.NotFound => NotFound,
            ErrorCode.Conflict => Conflict,
            ErrorCode.KeyLimitReached => KeyLimitReached,
            ErrorCode.KeyRevoked => KeyRevoked,
            ErrorCode.PlanRestriction => PlanRestriction,
            _ => ValidationFailed,
        };
    }
}
