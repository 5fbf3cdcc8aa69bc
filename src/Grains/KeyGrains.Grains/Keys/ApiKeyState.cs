namespace KeyGrains.Keys;

[GenerateSerializer, Alias("kg.ApiKeyState")]
public sealed class ApiKeyState
{
    [Id(0)] public KeyRecord? Record { get; set; }
}
