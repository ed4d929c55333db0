using System.Diagnostics;
using System.Globalization;
using Vigil.TestSupport;

namespace Vigil.EndToEnd.Tests.Support;

/// <summary>
/// A real nginx running the example shipped in <c>deploy/nginx/vigil.conf</c>, its two upstream
/// addresses and its listen address replaced by loopback ones, in a folder of its own.
/// </summary>
public sealed class NginxProxy : IAsyncDisposable
{
    private const string Binary = "/usr/sbin/nginx";
    private readonly Process _process;
    private readonly string _folder;

    private NginxProxy(Process process, string folder, Uri url)
    {
        _process = process;
        _folder = folder;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<NginxProxy> StartAsync(Uri first, Uri second)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} not found. Run ./test.sh, which installs it, or apt-get install nginx.");
        }

        var folder = RepositoryLayout.NewTemporaryDirectory("e2e-nginx");
        var port = RepositoryLayout.FreePort();
        var example = await File.ReadAllTextAsync(Path.Combine(RepositoryLayout.Root, "deploy", "nginx", "vigil.conf"));
        var site = Replace(Replace(Replace(example, "server 10.0.0.11:5080", $"server {first.Authority}"), "server 10.0.0.12:5080", $"server {second.Authority}"), "listen 80;", $"listen 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)};");
        await File.WriteAllTextAsync(Path.Combine(folder, "vigil.conf"), site);
        await File.WriteAllTextAsync(Path.Combine(folder, "nginx.conf"), $$"""
            daemon off;
            user root;
            pid {{folder}}/nginx.pid;
            error_log {{folder}}/error.log info;
            events {}
            http {
                access_log off;
                client_body_temp_path {{folder}}/client-body;
                proxy_temp_path {{folder}}/proxy;
                fastcgi_temp_path {{folder}}/fastcgi;
                uwsgi_temp_path {{folder}}/uwsgi;
                scgi_temp_path {{folder}}/scgi;
                include {{folder}}/vigil.conf;
            }
            """);
        var start = new ProcessStartInfo(Binary) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in (string[])["-p", folder, "-c", Path.Combine(folder, "nginx.conf")])
        {
            start.ArgumentList.Add(argument);
        }

        var proxy = new NginxProxy(Process.Start(start)!, folder, new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"));
        await Eventually.HoldsAsync(
            () => proxy._process.HasExited
                ? throw new InvalidOperationException($"nginx exited: {proxy.ErrorLog()}")
                : NetworkNamespace.Answers(null, port),
            "nginx listens",
            TimeSpan.FromSeconds(20));
        return proxy;
    }

    public string ErrorLog()
    {
        var log = Path.Combine(_folder, "error.log");
        return File.Exists(log) ? File.ReadAllText(log) : "(no error log)";
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        StrayProcesses.KillMentioning(_folder);
        Directory.Delete(_folder, recursive: true);
    }

    private static string Replace(string text, string what, string with) =>
        text.Contains(what, StringComparison.Ordinal) ? text.Replace(what, with, StringComparison.Ordinal) : throw new InvalidOperationException($"deploy/nginx/vigil.conf no longer says '{what}'");
}
