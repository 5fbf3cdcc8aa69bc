namespace KeyGrains;

/// <summary>What a type that holds a secret prints in its place.</summary>
public static class Redacted
{
    public const string Text = "[redacted]";
}
