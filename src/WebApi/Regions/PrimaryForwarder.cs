using KeyGrains.Hosting.Regions;
using KeyGrains.WebApi.Http;
using Microsoft.Extensions.Options;

namespace KeyGrains.WebApi.Regions;

/// <summary>
/// Sends an admin write to the primary region's web API and answers with its answer: status,
/// body and the headers a client acts on. The primary authenticates and validates; this region
/// never interprets the request, so a forwarded write is answered exactly as the primary answers it.
/// </summary>
public sealed class PrimaryForwarder(HttpClient http, IOptions<RegionOptions> options, ReplicationLag replication, ILogger<PrimaryForwarder> logger)
{
    public const string Client = "keygrains-primary";

    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Host", "Content-Length", "TE", "Trailer", "Proxy-Connection",
    };

    public async Task ForwardAsync(HttpContext context)
    {
        // A region cut from its primary's database is taken as cut from the primary (deploy/regions.sh partition).
        if (!replication.Connected)
        {
            await Unreachable(context);
            return;
        }

        var request = context.Request;
        var target = new Uri(options.Value.PrimaryUrl!, request.Path.Value + request.QueryString.Value);
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), target);
        if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            message.Content = new StreamContent(request.Body);
        }

        foreach (var (name, values) in request.Headers)
        {
            if (HopByHop.Contains(name))
            {
                continue;
            }

            if (!message.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                message.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        HttpResponseMessage answer;
        try
        {
            answer = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !context.RequestAborted.IsCancellationRequested)
        {
            logger.LogWarning("Forwarding {Method} to the primary region failed: {Error}", request.Method, e.GetType().Name);
            await Unreachable(context);
            return;
        }

        using (answer)
        {
            context.Response.StatusCode = (int)answer.StatusCode;
            foreach (var (name, values) in answer.Headers.Concat(answer.Content.Headers))
            {
                if (!HopByHop.Contains(name))
                {
                    context.Response.Headers[name] = values.ToArray();
                }
            }

            await answer.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
        }
    }

    private static Task Unreachable(HttpContext context)
    {
        context.Response.Headers.RetryAfter = Problems.RetryAfterSeconds.ToString();
        return Problems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, Problems.ServiceUnavailable,
            "The primary region, which makes every change, cannot be reached from this region; try again shortly.").AsTask();
    }
}
