using System.ComponentModel;

namespace KeyGrains.WebApi.Hosting;

/// <summary><c>Orleans:Mode</c>: run a silo in this process, or join a cluster of <c>src/Silo</c> processes.</summary>
[TypeConverter(typeof(SettingNameConverter<OrleansMode>))]
public enum OrleansMode { CoHosted, Client }
