namespace KeyGrains;

/// <summary>
/// The time the domain rules see (expiry, grace periods, audit). Its own type, so tests can move it
/// without moving the clock Orleans itself runs on.
/// </summary>
public sealed class AuthorityClock(TimeProvider time)
{
    public DateTimeOffset Now => time.GetUtcNow();
}
