namespace KeyGrains.Hosting;

/// <summary><c>ConnectionStrings</c>: the PostgreSQL database for storage and clustering.</summary>
public sealed class ConnectionStringsOptions
{
    public string? Postgres { get; set; }
}
