namespace KeyGrains.Organizations.KeyChanges;

/// <summary>
/// What recovery leaves to do: the state already holds what these keys must be (finished or undone),
/// only their grains are left to tell. Recovered forwards, again, if that too is interrupted.
/// </summary>
[GenerateSerializer, Immutable, Alias("kg.KeysRecovered")]
public sealed record KeysRecovered([property: Id(0)] string[] Ids) : KeyChange
{
    internal override IReadOnlyList<string> KeyIds => Ids;

    internal override bool RecoversForwards => true;
}
