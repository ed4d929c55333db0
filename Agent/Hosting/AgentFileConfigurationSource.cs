using System.Text.Json;
using Microsoft.Extensions.Configuration.Json;

namespace Vigil.Agent.Hosting;

/// <summary>
/// The agent's own JSON file (<c>agent.json</c>), watched for changes. At start a file that does not
/// parse stops the agent; later, a change that does not parse (a half-saved or mistyped file) keeps
/// the settings read last, so the agent never forgets its managed services because of a typo.
/// </summary>
internal sealed class AgentFileConfigurationSource : JsonConfigurationSource
{
    public override IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        EnsureDefaults(builder);
        return new AgentFileConfigurationProvider(this);
    }
}

/// <summary>Reads <c>agent.json</c>; see <see cref="AgentFileConfigurationSource"/>.</summary>
internal sealed class AgentFileConfigurationProvider(JsonConfigurationSource source) : JsonConfigurationProvider(source)
{
    private IDictionary<string, string?>? _lastGood;

    /// <summary>Told why a changed file was not taken; the previous settings stay in force.</summary>
    public Action<string>? ChangeRejected { get; set; }

    public override void Load(Stream stream)
    {
        try
        {
            base.Load(stream);
            _lastGood = Data;
        }
        catch (Exception exception) when (_lastGood is not null && exception is FormatException or JsonException)
        {
            Data = _lastGood;
            ChangeRejected?.Invoke(AgentConfiguration.Describe(exception));
        }
    }
}
