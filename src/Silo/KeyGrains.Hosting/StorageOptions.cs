namespace KeyGrains.Hosting;

/// <summary><c>Storage</c>: where grain state lives.</summary>
public sealed class StorageOptions
{
    public const string DefaultSqlitePath = "data/keygrains.db";

    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>Relative to the current directory; the folder is created at start.</summary>
    public string SqlitePath { get; set; } = DefaultSqlitePath;
}
