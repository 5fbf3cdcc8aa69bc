namespace KeyGrains;

/// <summary>The one grain storage every KeyGrains grain keeps its state in; the host decides what backs it.</summary>
public static class GrainStorage
{
    public const string Name = "keygrains";
}
