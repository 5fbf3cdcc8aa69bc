namespace KeyGrains.Tests;

public sealed class ApiKeyFormatTests
{
    private static readonly KeyTagger Tagger = new([System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)], acceptLegacy: false);

    [Fact]
    public void NewKey_RoundTripsAndCarriesItsId()
    {
        var id = ApiKeyFormat.NewId();
        var key = Tagger.NewKey(id);

        Assert.StartsWith("kg_", key);
        Assert.Equal(ApiKeyFormat.Length, key.Length);
        Assert.True(Tagger.TryParse(key, out var parsed));
        Assert.Equal(id, parsed.ToString());
    }

    [Fact]
    public void NewKey_IsDifferentEveryTime()
    {
        var id = ApiKeyFormat.NewId();
        var keys = Enumerable.Range(0, 1000).Select(_ => Tagger.NewKey(id)).ToHashSet();
        Assert.Equal(1000, keys.Count);
    }

    [Fact]
    public void TryParse_RefusesEveryOneCharacterChange()
    {
        var key = Tagger.NewKey(ApiKeyFormat.NewId());
        for (var i = 0; i < key.Length; i++)
        {
            foreach (var c in "aZ0_9x")
            {
                if (key[i] == c)
                {
                    continue;
                }

                var changed = string.Concat(key.AsSpan(0, i), c.ToString(), key.AsSpan(i + 1));
                Assert.False(Tagger.TryParse(changed, out _), $"accepted a change at {i}: {c}");
            }
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("kg_")]
    [InlineData("not a key at all")]
    [InlineData("KG_abcdefghijklmnop_0123456789012345678901234567890123456789012ABCDEF")]
    public void TryParse_RefusesMalformedInput(string text) => Assert.False(ApiKeyFormat.TryReadId(text, out _) || Tagger.TryParse(text, out _));

    [Fact]
    public void AKeyWithAPublicChecksum_IsRefused_UnlessLegacyKeysAreAccepted_AndAnotherSecretsTagIsRefused()
    {
        var legacy = KeyTagger.Legacy.NewKey(ApiKeyFormat.NewId());
        var otherServer = new KeyTagger([System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)], acceptLegacy: false).NewKey(ApiKeyFormat.NewId());

        Assert.True(ApiKeyFormat.TryReadId(legacy, out _));
        Assert.False(Tagger.TryParse(legacy, out _));
        Assert.False(Tagger.TryParse(otherServer, out _));
        Assert.True(new KeyTagger([System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)], acceptLegacy: true).TryParse(legacy, out _));
    }

    [Fact]
    public void AnAddedSecret_TagsNewKeys_AndKeysTaggedWithTheOlderOneStillParse()
    {
        var first = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var before = new KeyTagger([first], acceptLegacy: false);
        var after = new KeyTagger([first, System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)], acceptLegacy: false);
        var old = before.NewKey(ApiKeyFormat.NewId());
        var fresh = after.NewKey(ApiKeyFormat.NewId());

        Assert.True(after.TryParse(old, out _));
        Assert.True(after.TryParse(fresh, out _));
        Assert.False(before.TryParse(fresh, out _));
    }

    [Fact]
    public void Hash_IsSha256OfTheWholeKey()
    {
        var key = KeyTagger.Legacy.NewKey(ApiKeyFormat.NewId());
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(key)), ApiKeyFormat.Hash(key));
    }

    [Fact]
    public void Hash_ManyKeysOnManyThreads_EachIsTheSha256OfItselfAlone()
    {
        // Each thread reuses one hashing context: a context not reset, or shared between threads,
        // would mix one key into the next one's hash.
        var keys = Enumerable.Range(0, 2_000).Select(_ => KeyTagger.Legacy.NewKey(ApiKeyFormat.NewId())).ToArray();
        var hashes = new byte[keys.Length][];
        Parallel.For(0, keys.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => hashes[i] = ApiKeyFormat.Hash(keys[i]));

        for (var i = 0; i < keys.Length; i++)
        {
            Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(keys[i])), hashes[i]);
        }
    }
}
