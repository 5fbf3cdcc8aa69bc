namespace KeyGrains.WebApi.Apis;

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
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }
}
