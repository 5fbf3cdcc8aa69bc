namespace KeyGrains.WebApi.Apis;

/// <summary>An error answer an endpoint can give, and the contract's codes for it, for the OpenAPI document.</summary>
public sealed record ErrorAnswer(int Status, string Description);

public static class ApiConventions
{
    /// <summary>The error answers every authenticated administration endpoint can give.</summary>
    public static RouteGroupBuilder WithAdminProblems(this RouteGroupBuilder group)
    {
        group.ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    /// <summary>An error answer of this endpoint, described with its codes.</summary>
    public static RouteHandlerBuilder Refuses(this RouteHandlerBuilder endpoint, int status, string description) =>
        endpoint.ProducesProblem(status).WithMetadata(new ErrorAnswer(status, description));
}
