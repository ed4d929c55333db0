using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Vigil.ControlPlane.Security;

/// <summary>
/// The reverse proxy in front of the control plane, from the <c>ReverseProxy</c> section. Only requests
/// that come from a configured proxy have their client address taken from <c>X-Forwarded-For</c> (and
/// their scheme from <c>X-Forwarded-Proto</c>); without configuration the headers are ignored, since any
/// client could send them.
/// </summary>
public sealed class ReverseProxyOptions
{
    public const string Section = "ReverseProxy";

    /// <summary>Addresses of the proxies, e.g. <c>10.0.0.5</c>.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of the proxies in CIDR notation, e.g. <c>10.0.0.0/24</c>.</summary>
    public List<string> KnownNetworks { get; set; } = [];

    public bool IsConfigured => KnownProxies.Count > 0 || KnownNetworks.Count > 0;
}

public static class ReverseProxySetup
{
    public static IHostApplicationBuilder AddVigilReverseProxy(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ReverseProxyOptions>()
            .Bind(builder.Configuration.GetSection(ReverseProxyOptions.Section))
            .Validate(o => o.KnownProxies.TrueForAll(p => IPAddress.TryParse(p, out _)),
                "ReverseProxy:KnownProxies must hold IP addresses such as 10.0.0.5.")
            .Validate(o => o.KnownNetworks.TrueForAll(n => System.Net.IPNetwork.TryParse(n, out _)),
                "ReverseProxy:KnownNetworks must hold networks in CIDR notation such as 10.0.0.0/24.")
            .ValidateOnStart();
        builder.Services.AddOptions<ForwardedHeadersOptions>()
            .Configure<IOptions<ReverseProxyOptions>>((forwarded, proxy) =>
            {
                forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
                forwarded.ForwardLimit = 1;
                forwarded.KnownProxies.Clear();
                forwarded.KnownIPNetworks.Clear();
                foreach (var address in proxy.Value.KnownProxies)
                {
                    forwarded.KnownProxies.Add(IPAddress.Parse(address));
                }

                foreach (var network in proxy.Value.KnownNetworks)
                {
                    forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
                }
            });
        return builder;
    }

    /// <summary>First in the pipeline, so that logs, audit and rate limits see the client's address; nothing without a configured proxy.</summary>
    public static IApplicationBuilder UseVigilForwardedHeaders(this IApplicationBuilder app) =>
        app.ApplicationServices.GetRequiredService<IOptions<ReverseProxyOptions>>().Value.IsConfigured
            ? app.UseForwardedHeaders()
            : app;
}
