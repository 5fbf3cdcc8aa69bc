using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace KeyGrains;

/// <summary>
/// The one way KeyGrains reads settings: an options class bound from configuration and checked by
/// one validator, whose failures are sentences naming the setting and its value. Settings that
/// decide which providers get registered are also read while composing, through the same
/// validator, because the container that would validate them does not exist yet.
/// </summary>
public static class ValidatedOptions
{
    /// <summary>Registers <typeparamref name="T"/> bound from <paramref name="section"/>, checked when the host starts.</summary>
    public static OptionsBuilder<T> AddValidatedOptions<T, TValidator>(this IServiceCollection services, IConfiguration section)
        where T : class
        where TValidator : class, IValidateOptions<T>
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<T>, TValidator>());
        return services.AddOptions<T>().Configure(o => Bind(section, o)).ValidateOnStart();
    }

    /// <summary>
    /// For settings that decide what gets registered: registers <typeparamref name="T"/> as
    /// <see cref="AddValidatedOptions"/> does, and returns it bound and checked now.
    /// </summary>
    public static T ReadValidatedOptions<T, TValidator>(this IServiceCollection services, IConfiguration section)
        where T : class, new()
        where TValidator : class, IValidateOptions<T>, new()
    {
        services.AddValidatedOptions<T, TValidator>(section);
        return section.GetValidatedOptions<T, TValidator>();
    }

    /// <summary>
    /// Binds <typeparamref name="T"/> from <paramref name="section"/> now and checks it with the
    /// validator the host uses, so a bad value stops composition before anything listens.
    /// </summary>
    public static T GetValidatedOptions<T, TValidator>(this IConfiguration section)
        where T : class, new()
        where TValidator : IValidateOptions<T>, new()
    {
        var options = new T();
        Bind(section, options);
        var result = new TValidator().Validate(Options.DefaultName, options);
        return result.Failed
            ? throw new InvalidOperationException("KeyGrains cannot start: " + string.Join(" ", result.Failures ?? []))
            : options;
    }

    private static void Bind(IConfiguration section, object options)
    {
        try
        {
            section.Bind(options);
        }
        catch (InvalidOperationException e) when (e.InnerException is { } cause)
        {
            // The binder's message names the setting and its type, the converter's the value: say both.
            throw new InvalidOperationException($"KeyGrains cannot start: {e.Message} {cause.Message}", e);
        }
    }
}
