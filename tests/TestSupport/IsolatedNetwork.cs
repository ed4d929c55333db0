using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Vigil.TestSupport;

/// <summary>
/// A private network of Linux network namespaces: a hub namespace holding a bridge (and the server
/// the test puts there, at <see cref="HubAddress"/>) and one namespace per member, joined to the
/// bridge by a veth pair. Nothing is added to the machine's own namespace. <see cref="Cut"/> takes a
/// member's bridge port down, so its packets are dropped silently in both directions (no reset, no
/// error a peer could see), as a failed switch port or cable would; <see cref="Heal"/> brings it back.
/// Names carry the test process's id: namespaces of a process that is gone are removed by the next
/// run, and this process removes its own at exit even when a test crashed.
/// </summary>
public sealed class IsolatedNetwork : IDisposable
{
    public const string Prefix = "vigil-e2e-";
    private const string Bridge = "br0";
    private static readonly ConcurrentDictionary<IsolatedNetwork, byte> Open = new();
    private static int _created;
    private readonly List<NetworkNamespace> _members = [];

    static IsolatedNetwork() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var network in Open.Keys)
        {
            network.Dispose();
        }
    };

    private IsolatedNetwork(string name)
    {
        Hub = new NetworkNamespace(name, HubAddress);
    }

    public static IPAddress HubAddress { get; } = IPAddress.Parse("10.77.0.1");

    /// <summary>The namespace with the bridge, at <see cref="HubAddress"/>.</summary>
    public NetworkNamespace Hub { get; }

    /// <summary>
    /// Creates the hub, or says why this machine cannot (not Linux, no <c>ip</c>, not root or no
    /// CAP_NET_ADMIN): a reason to skip a test, not a failure.
    /// </summary>
    public static IsolatedNetwork? TryCreate(out string whyNot)
    {
        whyNot = "";
        if (!OperatingSystem.IsLinux())
        {
            whyNot = "network namespaces exist on Linux only";
            return null;
        }

        RemoveLeftovers();
        var name = string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Environment.ProcessId}-{Interlocked.Increment(ref _created)}");
        var (code, error) = TryIp("netns", "add", name);
        if (code != 0)
        {
            whyNot = $"cannot create a network namespace (root or CAP_NET_ADMIN and iproute2 are needed): {error}";
            return null;
        }

        var network = new IsolatedNetwork(name);
        Open[network] = 0;
        try
        {
            network.InHub("link", "set", "lo", "up");
            network.InHub("link", "add", Bridge, "type", "bridge");
            network.InHub("addr", "add", $"{HubAddress}/24", "dev", Bridge);
            network.InHub("link", "set", Bridge, "up");
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>A new member namespace on the bridge, at 10.77.0.(10 + n).</summary>
    public NetworkNamespace AddMember()
    {
        var index = _members.Count + 1;
        var member = new NetworkNamespace($"{Hub.Name}-{index}", IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"10.77.0.{10 + index}")));
        Ip("netns", "add", member.Name);
        _members.Add(member);
        InHub("link", "add", Port(member), "type", "veth", "peer", "name", "eth0", "netns", member.Name);
        InHub("link", "set", Port(member), "master", Bridge, "up");
        Ip("-n", member.Name, "link", "set", "lo", "up");
        Ip("-n", member.Name, "addr", "add", $"{member.Address}/24", "dev", "eth0");
        Ip("-n", member.Name, "link", "set", "eth0", "up");
        return member;
    }

    /// <summary>Cuts <paramref name="member"/> off the bridge silently.</summary>
    public void Cut(NetworkNamespace member) => InHub("link", "set", Port(member), "down");

    public void Heal(NetworkNamespace member) => InHub("link", "set", Port(member), "up");

    /// <summary><paramref name="member"/>'s link to the server at <paramref name="server"/> in the hub.</summary>
    public INetworkLink Link(NetworkNamespace member, Uri server) => new BridgePort(this, member, server);

    /// <summary>Ends every process still inside the namespaces, then deletes them.</summary>
    public void Dispose()
    {
        if (!Open.TryRemove(this, out _))
        {
            return;
        }

        foreach (var name in _members.Select(m => m.Name).Append(Hub.Name))
        {
            Remove(name);
        }
    }

    private string Port(NetworkNamespace member) => $"m{_members.IndexOf(member) + 1}";

    private void InHub(params string[] arguments) => Ip(["-n", Hub.Name, .. arguments]);

    /// <summary>Namespaces left by test processes that no longer run (a crash, a killed run).</summary>
    private static void RemoveLeftovers()
    {
        var (code, list) = TryIp("netns", "list");
        if (code != 0)
        {
            return;
        }

        foreach (var name in list.Split('\n').Select(line => line.Split(' ')[0]).Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            var owner = name[Prefix.Length..].Split('-')[0];
            if (int.TryParse(owner, CultureInfo.InvariantCulture, out var pid) && !Directory.Exists($"/proc/{pid}"))
            {
                Remove(name);
            }
        }
    }

    private static void Remove(string name)
    {
        var (_, pids) = TryIp("netns", "pids", name);
        foreach (var pid in pids.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            try
            {
                using var process = Process.GetProcessById(int.Parse(pid, CultureInfo.InvariantCulture));
                process.Kill(entireProcessTree: true);
                process.WaitForExit(TimeSpan.FromSeconds(5));
            }
            catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Gone meanwhile.
            }
        }

        TryIp("netns", "delete", name);
    }

    private static void Ip(params string[] arguments)
    {
        var (code, output) = TryIp(arguments);
        if (code != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', arguments)} failed ({code}): {output}");
        }
    }

    /// <summary>Runs <c>ip</c>; returns its exit code and its output (standard error when it failed).</summary>
    private static (int Code, string Output) TryIp(params string[] arguments)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var ip = Process.Start(start)!;
            var error = ip.StandardError.ReadToEndAsync();
            var output = ip.StandardOutput.ReadToEnd();
            ip.WaitForExit();
            return (ip.ExitCode, ip.ExitCode == 0 ? output : error.Result.Trim());
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            return (-1, $"ip is not installed (Debian package iproute2): {exception.Message}");
        }
    }

    private sealed class BridgePort(IsolatedNetwork network, NetworkNamespace member, Uri server) : INetworkLink
    {
        public Uri Url => server;

        public void Cut() => network.Cut(member);

        public void Heal() => network.Heal(member);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
