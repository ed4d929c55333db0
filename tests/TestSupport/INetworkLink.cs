namespace Vigil.TestSupport;

/// <summary>The way one member reaches a server, which a test can cut silently and heal.</summary>
public interface INetworkLink : IAsyncDisposable
{
    /// <summary>The server's address as the member uses it.</summary>
    Uri Url { get; }

    void Cut();

    void Heal();
}
