using System.Globalization;
using System.Net;

namespace KeyGrains.WebApi.Tests;

/// <summary>The TCP sockets listening on this machine right now, as the kernel lists them in /proc/net.</summary>
public static class ListeningSockets
{
    private const string Listen = "0A";

    public static List<IPEndPoint> Read() => [.. Parse("/proc/net/tcp"), .. Parse("/proc/net/tcp6")];

    // A line: "sl local_address rem_address st ...", the address in hex, each 32-bit word in host (little-endian) order.
    private static IEnumerable<IPEndPoint> Parse(string file) =>
        !File.Exists(file)
            ? []
            : File.ReadLines(file).Skip(1)
                .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Where(fields => fields[3] == Listen)
                .Select(fields => fields[1].Split(':'))
                .Select(local => new IPEndPoint(Address(local[0]), int.Parse(local[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture)));

    private static IPAddress Address(string hex) => new(Enumerable.Range(0, hex.Length / 8)
        .SelectMany(word => Enumerable.Reverse(Convert.FromHexString(hex.AsSpan(word * 8, 8))))
        .ToArray());
}
