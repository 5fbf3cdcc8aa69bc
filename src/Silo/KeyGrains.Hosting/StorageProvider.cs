using System.ComponentModel;

namespace KeyGrains.Hosting;

/// <summary><c>Storage:Provider</c>. Memory is for tests: grains forget everything at a restart.</summary>
[TypeConverter(typeof(SettingNameConverter<StorageProvider>))]
public enum StorageProvider { Sqlite, Postgres, Memory }
