using Orleans.Runtime;

namespace KeyGrains.Storage;

/// <summary>
/// Applies the SQLite schema when the silo starts, in a stage before the ADO.NET grain storage
/// loads its queries from the file.
/// </summary>
internal sealed class SqliteSchemaInitializer(string connectionString) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SqliteSchemaInitializer), ServiceLifecycleStage.RuntimeInitialize,
            cancellationToken => SqliteSchema.ApplyAsync(connectionString, cancellationToken: cancellationToken));
}
