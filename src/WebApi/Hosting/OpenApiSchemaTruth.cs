using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace KeyGrains.WebApi.Hosting;

/// <summary>
/// Derives each object schema's <c>required</c> and each member's nullability from the C# members,
/// read in the direction the server uses the type:
/// <list type="bullet">
/// <item>a request body (the server reads it): a member is required only when marked <see cref="RequiredAttribute"/>,
/// and may be <c>null</c> when its setter accepts null (<see cref="DisallowNullAttribute"/> says it does not);</item>
/// <item>anything else (the server writes it): a member is required unless it is left out when null
/// (<see cref="JsonIgnoreCondition.WhenWritingNull"/>), and may be <c>null</c> when its getter may return null
/// and it is written all the same.</item>
/// </list>
/// The framework's own guess (non-nullable constructor parameters are required) holds for neither direction.
/// It also states what the serializer writes where the generator cannot see it: times are strings
/// (our UTC converter), numbers are numbers, enums are strings.
/// </summary>
internal sealed class OpenApiSchemaTruth(IApiDescriptionGroupCollectionProvider descriptions) : IOpenApiSchemaTransformer
{
    private readonly NullabilityInfoContext _nullability = new();
    private HashSet<Type>? _requestTypes;

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        StateWhatIsWritten(schema);
        var type = context.JsonTypeInfo;
        if (context.JsonPropertyInfo is null && type.Kind == JsonTypeInfoKind.Object && schema.Properties is { Count: > 0 } properties)
        {
            var isRequest = RequestTypes().Contains(type.Type);
            var required = new HashSet<string>(StringComparer.Ordinal);
            foreach (var member in type.Properties)
            {
                if (!properties.TryGetValue(member.Name, out var memberSchema))
                {
                    continue;
                }

                var (mayBeAbsent, mayBeNull) = isRequest ? Read(member) : Written(member);
                if (!mayBeAbsent)
                {
                    required.Add(member.Name);
                }

                if (memberSchema is OpenApiSchema inline)
                {
                    StateWhatIsWritten(inline);
                }

                properties[member.Name] = WithNull(memberSchema, mayBeNull);
            }

            schema.Required = required.Count > 0 ? required : null;
        }

        return Task.CompletedTask;
    }

    private (bool MayBeAbsent, bool MayBeNull) Read(JsonPropertyInfo member)
    {
        var attributes = member.AttributeProvider;
        var required = member.IsRequired || Has<RequiredAttribute>(attributes);
        var mayBeNull = !required && !Has<DisallowNullAttribute>(attributes) && member.AttributeProvider switch
        {
            PropertyInfo p => _nullability.Create(p).WriteState != NullabilityState.NotNull,
            FieldInfo f => _nullability.Create(f).WriteState != NullabilityState.NotNull,
            _ => true,
        };
        return (!required, mayBeNull);
    }

    private (bool MayBeAbsent, bool MayBeNull) Written(JsonPropertyInfo member)
    {
        var ignore = (member.AttributeProvider?.GetCustomAttributes(typeof(JsonIgnoreAttribute), true) ?? [])
            .Cast<JsonIgnoreAttribute>().FirstOrDefault()?.Condition;
        var leftOutWhenNull = ignore is JsonIgnoreCondition.WhenWritingNull or JsonIgnoreCondition.WhenWritingDefault;
        var mayBeNull = !leftOutWhenNull && member.AttributeProvider switch
        {
            PropertyInfo p => _nullability.Create(p).ReadState != NullabilityState.NotNull,
            FieldInfo f => _nullability.Create(f).ReadState != NullabilityState.NotNull,
            _ => true,
        };
        return (leftOutWhenNull, mayBeNull);
    }

    private static bool Has<T>(ICustomAttributeProvider? attributes) where T : Attribute =>
        attributes?.IsDefined(typeof(T), true) == true;

    /// <summary>The types the server reads as request bodies, from the endpoints themselves.</summary>
    private HashSet<Type> RequestTypes() => _requestTypes ??= descriptions.ApiDescriptionGroups.Items
        .SelectMany(g => g.Items)
        .SelectMany(d => d.ParameterDescriptions)
        .Where(p => p.Source == BindingSource.Body && p.Type is not null)
        .Select(p => Nullable.GetUnderlyingType(p.Type) ?? p.Type)
        .ToHashSet();

    /// <summary>The member's schema with <c>null</c> allowed or not, as the member says.</summary>
    private static IOpenApiSchema WithNull(IOpenApiSchema member, bool mayBeNull)
    {
        if (member is OpenApiSchema { OneOf: [{ Type: JsonSchemaType.Null }, var only] } wrapped && wrapped.Properties is not { Count: > 0 })
        {
            // A nullable reference (an enum, an object) comes as oneOf [null, $ref].
            return mayBeNull ? wrapped : only;
        }

        if (member is OpenApiSchema { Type: { } type } inline)
        {
            inline.Type = mayBeNull ? type | JsonSchemaType.Null : type & ~JsonSchemaType.Null;
            return inline;
        }

        return mayBeNull ? new OpenApiSchema { OneOf = [new OpenApiSchema { Type = JsonSchemaType.Null }, member] } : member;
    }

    private static void StateWhatIsWritten(OpenApiSchema schema)
    {
        // UtcTimeConverter hides the type from the generator; it reads and writes RFC 3339 strings.
        if (schema.Format == "date-time")
        {
            schema.Type = (schema.Type ?? 0) | JsonSchemaType.String;
        }

        // The server writes numbers as numbers. It tolerates a quoted number in a request (the web
        // defaults), but that is leniency, not the contract, so clients are told to send numbers.
        if (schema.Type is { } t && (t & (JsonSchemaType.Integer | JsonSchemaType.Number)) != 0 && (t & JsonSchemaType.String) != 0)
        {
            schema.Type = t & ~JsonSchemaType.String;
            schema.Pattern = null;
        }

        if (schema.Type is null && schema.Enum is { Count: > 0 } values && values.All(v => v?.GetValueKind() is System.Text.Json.JsonValueKind.String or System.Text.Json.JsonValueKind.Null))
        {
            schema.Type = JsonSchemaType.String;
        }
    }
}
