using KeyGrains.Keys;
using KeyGrains.Organizations;
using KeyGrains.Organizations.KeyChanges;
using KeyGrains.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace KeyGrains.Tests.Grains;

/// <summary>
/// Organizations stored before unfinished changes were <see cref="KeyChange"/> records still hold
/// <c>PendingKeyChange</c> marks; they must be recovered as they would have been.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class StoredStateCompatibilityTests(ClusterFixture fx)
{
    /// <summary>
    /// An <see cref="OrganizationState"/> as the Orleans serializer wrote it before KeyChange: a crash
    /// left four keys pending, one each of RestorePrevious (a rotation from secret 0 to secret 1, then
    /// used), Discard (a creation), PushCurrent (a revocation) and Remove (a deletion).
    /// </summary>
    private const string PendingKeyChangeState =
        "IAADQQ1MZWdhY3kJAwUBKSGAgEDwHdoq3QiBAAAAAAAAAADgITABMSzULh1TdHJpbmdDb21wYXJlcgADAQHg4CE4AwADAQHgAQdB"
        + "IWVvYmFheDd6YWtmb2Q4eDgg6MAlQSFvcmctbGVnYWN5LXN0YXRlAQlBB24tMsEBIQADQQ12aWV3ZXLgIQADQQ0qOnJlYWTgwQEh"
        + "4MEBQUGdS9fNccRTcwRfPtW9UVs+mAnGDDlAoK0pU/dGG2wxz8EBwQFBCXk3MXIhgIBA8B3aKt0IgQAAAAAAAAAA4EERb3BlcmF0"
        + "b3IhgICotH/iKt0IgQAAAAAAAAAA4OBAIWtzcXhvbnEzMmlhc2hybzUg6MBbwSsBDUEHbi0zwQEhAAPBN+AhAAPBPeDBAcFBwQFB"
        + "QcLdbT1N9loN1Ezp1QbKU86rTeNtrk5OXUhvTMOJKa/SwQHBAUEJbUVkbiGAgEDwHdoq3QiBAAAAAAAAAADgwVPBAeBAIXpvbDdm"
        + "c2Z3OWdmMmlpbjUg6MCNwSsBFUEHbi01wQEhAAPBN+AhAAPBPeDBAcFBIYCAEHnh6irdCIEAAAAAAAAAAOBBQVVAh5B5rjhDFky4"
        + "MAKCTF6uk8pzvB4pcuLwIGZ0DQnDwQHBAUEJZGN1byGAgEDwHdoq3QiBAAAAAAAAAADgwVPBAeDgIQAJIejAJQEFIejAJcErAQVB"
        + "B24tMcEBIQADwTfgIQADwT3gwQHBQcEBQUGY1dbA2mZIeQn5ZuRgKsZW2njJXZnGBHk6CRBbqKwL0sEBwQFBCVRHNXIhgIBA8B3a"
        + "Kt0IgQAAAAAAAAAA4MFTwQHg4CDowFsBCcEB4CDowI0BAcEB4CDoQCFqNTg5bXI2ejJzZzBzbzF1AQ3BAeDgAQEh4AEZ4A==";

    private const string Rotated = "eobaax7zakfod8x8", Created = "ksqxonq32iashro5", Revoked = "zol7fsfw9gf2iin5", Deleted = "j589mr6z2sg0so1u";

    private static readonly string[] Secrets =
    [
        "kg_eobaax7zakfod8x8_heewsFpiEYfLOnZH8qn2LueC59aqOMATFxd6nuSW42D0CTG5r",
        "kg_eobaax7zakfod8x8_Uy1TyWtRnwhHyXWyTdQsXHe1NfI0EoBPxOh6qm63Jtz3Ey71r",
        "kg_ksqxonq32iashro5_lrlVmXqg1mmTggEwm9SYpQlFvojlpUkZxp0dM23c1Or1fmEdn",
        "kg_zol7fsfw9gf2iin5_sSABUZRTmGwtJjNzO7QOhPD2h66HWObLJFVuvUjH5KJ1Adcuo",
        "kg_j589mr6z2sg0so1u_VrtHoXXDNieCIpKVdRayMVp0EhhoSfz34qevecTidQn4Alq47",
    ];

    private Serializer Serializer =>
        fx.Cluster.GetSiloServiceProvider(fx.Cluster.Silos[0].SiloAddress).GetRequiredService<Serializer>();

    private OrganizationState Deserialize(byte[] stored) => Serializer.Deserialize<OrganizationState>(stored)!;

    [Fact]
    public async Task PendingKeyChanges_StoredBeforeKeyChange_AreRecoveredAsTheyWereBefore()
    {
        var stored = Deserialize(Convert.FromBase64String(PendingKeyChangeState));
        Assert.Equal(4, stored.LegacyPending.Count);
        IKeyReplica Replica(string id) => fx.Client.GetGrain<IKeyReplica>(id);
        // The key grains were told before the crash, as the worst case has it.
        await Replica(Rotated).Apply(stored.Keys[Rotated]);
        await Replica(Created).Apply(stored.Keys[Created]);
        await Replica(Revoked).Apply(stored.Keys[Revoked] with { RevokedAt = null, Version = 4 });
        await Replica(Deleted).Apply(stored.Keys[Created] with { Id = Deleted, Version = 6, SecretHash = ApiKeyFormat.Hash(Secrets[4]), Last4 = Secrets[4][^4..] });
        var org = fx.Org("org-legacy-state");
        await fx.Storage.Inner.WriteStateAsync("org", org.GetGrainId(), new GrainState<OrganizationState>(stored));

        var keys = (await org.ListKeys(new KeyQuery())).Items;

        Assert.Equal([Rotated, Revoked], keys.Select(k => k.Id).Order());
        var restored = await org.GetKey(Rotated);
        Assert.Equal(Secrets[0][^4..], restored.Last4);
        Assert.Equal(stored.Keys[Rotated].LastUsedAt, restored.LastUsedAt);
        Assert.Equal(VerifyCode.Valid, (await fx.VerifyAsync(Secrets[0])).Code);
        Assert.NotEqual(VerifyCode.Valid, (await fx.VerifyAsync(Secrets[1])).Code);
        Assert.Equal(VerifyCode.NotFound, (await fx.VerifyAsync(Secrets[2])).Code);
        Assert.Equal(VerifyCode.Revoked, (await fx.VerifyAsync(Secrets[3])).Code);
        Assert.Equal(VerifyCode.NotFound, (await fx.VerifyAsync(Secrets[4])).Code);
        Assert.Empty((await org.GetAudit(50, null)).Items);
        var after = new GrainState<OrganizationState>();
        await fx.Storage.Inner.ReadStateAsync("org", org.GetGrainId(), after);
        Assert.Empty(after.State!.LegacyPending);
        Assert.Empty(after.State.Unfinished);
    }

    [Fact]
    public void KeyChanges_SurviveTheStorageSerializer()
    {
        var caller = Caller.Operator();
        var record = Deserialize(Convert.FromBase64String(PendingKeyChangeState)).Keys[Rotated];
        var state = new OrganizationState
        {
            Unfinished =
            [
                KeyCreated.By(caller, record),
                KeyUpdated.By(caller, record, ["name"]),
                KeyRotated.By(caller, record, 60),
                KeyRevoked.By(caller, Revoked),
                KeyDeleted.By(caller, Deleted),
                RoleChanged.Upserted(caller, new RoleRecord("ops", null, ["a:read"]), [Rotated, Revoked]),
                RoleChanged.Deleted(caller, "ops", []),
                new KeysRecovered([Created]),
                KeyPurged.By(caller, [record]),
            ],
        };

        var copy = Deserialize(Serializer.SerializeToArray(state)).Unfinished;

        Assert.Equal(state.Unfinished.Select(c => c.ToString()), copy.Select(c => c.ToString()));
        Assert.Equal(record.SecretHash, ((KeyRotated)copy[2]).Previous.SecretHash);
        Assert.Equal([Rotated, Revoked], ((RoleChanged)copy[5]).HeldBy);
        Assert.Equal([Created], ((KeysRecovered)copy[7]).Ids);
        Assert.Equal([Rotated], ((KeyPurged)copy[8]).Ids);
    }
}
