namespace KeyGrains.Tests;

public sealed class ApiKeyFormatTests
{
    [Fact]
    public void NewKey_RoundTripsAndCarriesItsId()
    {
        var id = ApiKeyFormat.NewId();
        var key = ApiKeyFormat.NewKey(id);

        Assert.StartsWith("kg_", key);
        Assert.Equal(ApiKeyFormat.Length, key.Length);
        Assert.True(ApiKeyFormat.TryParse(key, out var parsed));
        Assert.Equal(id, parsed.ToString());
    }

    [Fact]
    public void NewKey_IsDifferentEveryTime()
    {
        var id = ApiKeyFormat.NewId();
        var keys = Enumerable.Range(0, 1000).Select(_ => ApiKeyFormat.NewKey(id)).ToHashSet();
        Assert.Equal(1000, keys.Count);
    }

    [Fact]
    public void TryParse_RefusesEveryOneCharacterChange()
    {
        var key = ApiKeyFormat.NewKey(ApiKeyFormat.NewId());
        for (var i = 0; i < key.Length; i++)
        {
            foreach (var c in "aZ0_9x")
            {
                if (key[i] == c)
                {
                    continue;
                }

                var changed = string.Concat(key.AsSpan(0, i), c.ToString(), key.AsSpan(i + 1));
                Assert.False(ApiKeyFormat.TryParse(changed, out _), $"accepted a change at {i}: {c}");
            }
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("kg_")]
    [InlineData("not a key at all")]
    [InlineData("KG_abcdefghijklmnop_0123456789012345678901234567890123456789012ABCDEF")]
    public void TryParse_RefusesMalformedInput(string text) => Assert.False(ApiKeyFormat.TryParse(text, out _));

    [Fact]
    public void Hash_IsSha256OfTheWholeKey()
    {
        var key = ApiKeyFormat.NewKey(ApiKeyFormat.NewId());
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(key)), ApiKeyFormat.Hash(key));
    }
}
