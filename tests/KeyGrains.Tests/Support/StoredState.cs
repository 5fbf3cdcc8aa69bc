namespace KeyGrains.Tests.Support;

/// <summary>A grain state to read straight from storage, past the grain.</summary>
internal sealed class StoredState<T> : IGrainState<T>
    where T : new()
{
    [System.Diagnostics.CodeAnalysis.AllowNull]
    public T State { get; set; } = new();
    public string? ETag { get; set; }
    public bool RecordExists { get; set; }
}
