using CsCheck;

namespace KeyGrains.Security.Tests;

/// <summary>The presented-key parser is the first thing hostile input meets: it must never throw and never accept a typo or a forgery.</summary>
public sealed class KeyFormatProperties
{
    private const string IdAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    private const int Iterations = 20_000;

    private static readonly KeyTagger Tagger = new([System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)], acceptLegacy: false);

    private static readonly Gen<string> KeyIds = Gen.String[Gen.Char[IdAlphabet], ApiKeyFormat.IdLength, ApiKeyFormat.IdLength];

    /// <summary>Characters a typo or an attacker may put in a key: ASCII, controls, and a few that look alike.</summary>
    private static readonly Gen<char> AnyChar = Gen.Frequency(
        (6, Gen.Char['\u0020', '\u007e']),
        (1, Gen.Char['\u0000', '\u001f']),
        (1, Gen.Char["\u0430\u043e\u00e9\u200b\ufeff\ud800\uffff"]));

    [Fact]
    public void TryParse_NeverThrows_OnAnyString()
    {
        Gen.String.Sample(s => { Tagger.TryParse(s, out _); }, iter: Iterations);
        Gen.String[AnyChar, 0, ApiKeyFormat.Length + 2].Sample(s => { Tagger.TryParse(s, out _); }, iter: Iterations);
    }

    [Fact]
    public void TryParse_NeverThrows_OnStringsShapedLikeAKey()
    {
        var shaped = Gen.String[AnyChar, ApiKeyFormat.Length - 3, ApiKeyFormat.Length - 3].Select(s => ApiKeyFormat.Prefix + s);
        shaped.Sample(s => { Tagger.TryParse(s, out _); }, iter: Iterations);
    }

    [Fact]
    public void EveryNewKey_RoundTrips_ToItsId()
    {
        KeyIds.Sample(id =>
        {
            var key = Tagger.NewKey(id);
            return key.Length == ApiKeyFormat.Length && Tagger.TryParse(key, out var parsed) && parsed.SequenceEqual(id);
        }, iter: Iterations);
    }

    [Fact]
    public void AnyOneCharacterChange_IsRejected()
    {
        Gen.Select(KeyIds, Gen.Int[0, ApiKeyFormat.Length - 1], AnyChar).Sample((id, position, replacement) =>
        {
            var key = Tagger.NewKey(id).ToCharArray();
            if (key[position] == replacement)
            {
                return true;
            }

            key[position] = replacement;
            return !Tagger.TryParse(new string(key), out _);
        }, iter: Iterations);
    }

    [Fact]
    public void DroppingOrAddingOneCharacter_IsRejected()
    {
        Gen.Select(KeyIds, Gen.Int[0, ApiKeyFormat.Length - 1], AnyChar).Sample((id, position, extra) =>
        {
            var key = Tagger.NewKey(id);
            return !Tagger.TryParse(key.Remove(position, 1), out _)
                && !Tagger.TryParse(key.Insert(position, extra.ToString()), out _);
        }, iter: Iterations);
    }
}
