using System.ComponentModel;
using System.Globalization;

namespace KeyGrains;

/// <summary>
/// Binds an enum setting by name only, ignoring case. The binder's default would also take numbers
/// ("Storage:Provider=1") and comma lists, which are never what an operator meant.
/// </summary>
public sealed class SettingNameConverter<T> : TypeConverter where T : struct, Enum
{
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType) => sourceType == typeof(string);

    public override object ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value)
    {
        var text = ((string)value).Trim();
        foreach (var name in Enum.GetNames<T>())
        {
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
            {
                return Enum.Parse<T>(name);
            }
        }

        throw new FormatException($"'{value}' is not one of {string.Join(", ", Enum.GetNames<T>())}.");
    }
}
