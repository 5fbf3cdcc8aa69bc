using System.Text;
using System.Text.Json;
using KeyGrains.WebApi.Http;

namespace KeyGrains.WebApi.Verification;

public static partial class VerifyApi
{
    public sealed partial record VerifyBody
    {
        /// <summary>
        /// The body read token by token, as the serializer would bind it (names in any case, other
        /// members skipped) but building only the strings the verification uses. A member given
        /// twice is refused: which of the two counts would otherwise depend on the reader.
        /// </summary>
        public static VerifyBody Read(ref Utf8JsonReader json, HttpRequest request)
        {
            json.Read();
            if (json.TokenType == JsonTokenType.Null)
            {
                throw JsonBody.Required();
            }

            if (json.TokenType != JsonTokenType.StartObject)
            {
                throw JsonBody.Malformed("body");
            }

            string? key = null, ip = null;
            string[]? permissions = null;
            var seen = Member.None;
            while (json.Read() && json.TokenType == JsonTokenType.PropertyName)
            {
                var member = Name(ref json);
                json.Read();
                if (member == Member.None)
                {
                    json.Skip();
                    continue;
                }

                if ((seen & member) != 0)
                {
                    throw DomainException.Invalid(Text(member), "The member is given more than once.");
                }

                seen |= member;
                switch (member)
                {
                    case Member.Key:
                        key = String(ref json, "key");
                        break;
                    case Member.Ip:
                        ip = String(ref json, "ip");
                        break;
                    default:
                        permissions = Strings(ref json, "permissions");
                        break;
                }
            }

            // Whitespace may follow the object; anything else makes the reader throw.
            if (json.Read())
            {
                throw JsonBody.Malformed("body");
            }

            return new VerifyBody(key, ip, permissions);
        }

        private static Member Name(ref Utf8JsonReader json)
        {
            // Names are matched without regard to case, as the serializer's web defaults do.
            ReadOnlySpan<byte> name = json.ValueSpan;
            if (json.ValueIsEscaped || json.HasValueSequence)
            {
                name = Encoding.UTF8.GetBytes(json.GetString()!);
            }

            return Ascii.EqualsIgnoreCase(name, "key"u8) ? Member.Key
                : Ascii.EqualsIgnoreCase(name, "ip"u8) ? Member.Ip
                : Ascii.EqualsIgnoreCase(name, "permissions"u8) ? Member.Permissions
                : Member.None;
        }

        private static string? String(ref Utf8JsonReader json, string member)
        {
            if (json.TokenType == JsonTokenType.Null)
            {
                return null;
            }

            if (json.TokenType != JsonTokenType.String)
            {
                throw JsonBody.Malformed(member);
            }

            try
            {
                return json.GetString();
            }
            catch (InvalidOperationException)
            {
                // Bytes that are not UTF-8 inside the string.
                throw JsonBody.Malformed(member);
            }
        }

        /// <summary>
        /// An array of strings, of at most one more than <see cref="MaxPermissions"/> (enough for the
        /// rule to refuse it): a long list is counted, not copied. Read in one pass; the usual single
        /// permission costs one array of one.
        /// </summary>
        private static string[]? Strings(ref Utf8JsonReader json, string member)
        {
            if (json.TokenType == JsonTokenType.Null)
            {
                return null;
            }

            if (json.TokenType != JsonTokenType.StartArray)
            {
                throw JsonBody.Malformed(member);
            }

            string? first = null;
            string?[]? many = null;
            var count = 0;
            while (json.Read() && json.TokenType != JsonTokenType.EndArray)
            {
                if (count > MaxPermissions)
                {
                    json.Skip();
                    continue;
                }

                var value = String(ref json, member);
                if (count == 0)
                {
                    first = value;
                }
                else
                {
                    if (many is null)
                    {
                        many = new string?[MaxPermissions + 1];
                        many[0] = first;
                    }

                    many[count] = value;
                }

                count++;
            }

            return (count switch
            {
                0 => [],
                1 => [first],
                _ => many![..count],
            })!;
        }

        private static string Text(Member member) => member switch
        {
            Member.Key => "key",
            Member.Ip => "ip",
            _ => "permissions",
        };

        [Flags]
        private enum Member
        {
            None = 0,
            Key = 1,
            Ip = 2,
            Permissions = 4,
        }
    }
}
