using System.ComponentModel;

namespace KeyGrains.Hosting;

/// <summary><c>Clustering:Provider</c>: one node on loopback, or a membership table in PostgreSQL.</summary>
[TypeConverter(typeof(SettingNameConverter<ClusteringProvider>))]
public enum ClusteringProvider { Localhost, Postgres }
