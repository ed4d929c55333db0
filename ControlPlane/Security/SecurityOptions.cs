namespace Vigil.ControlPlane.Security;

/// <summary>Users, sessions and bootstrap secrets. Bound from the <c>Security</c> section.</summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>The name of the admin created at the first start, when there is no user yet.</summary>
    public string InitialAdminUserName { get; set; } = "admin";

    /// <summary>
    /// The first admin's password, for automated installs. Empty (the default): a random one-time
    /// password is generated and printed once to the console, and must be changed at first sign-in.
    /// </summary>
    public string InitialAdminPassword { get; set; } = "";

    /// <summary>
    /// Where the first admin's one-time password goes instead of the console, for a control plane
    /// that runs as a service (no console to read): a file readable by the service's account and the
    /// administrators only (the Windows install script protects its folder; elsewhere the file is
    /// created 0600). Empty (the default): the console.
    /// </summary>
    public string InitialAdminPasswordFile { get; set; } = "";

    /// <summary>
    /// An Admin API key for automated installs, like Consul's initial management token: any text of
    /// 32 to 200 characters without spaces. Stored hashed (as the key named "initial") at start;
    /// revoke it through the API once real keys exist. Empty: none.
    /// </summary>
    public string InitialAdminApiKey { get; set; } = "";

    public int PasswordMinimumLength { get; set; } = 12;

    /// <summary>Failed sign-ins in a row after which an account is locked for <see cref="LockoutDuration"/>.</summary>
    public int MaxFailedSignIns { get; set; } = 5;

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a dashboard session lasts without activity (sliding).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>How soon a locked, deleted or re-roled user's sessions stop working.</summary>
    public TimeSpan SessionValidationInterval { get; set; } = TimeSpan.FromMinutes(1);
}
