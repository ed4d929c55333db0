using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Vigil.ControlPlane.Data.Alerts;
using Vigil.ControlPlane.Data.Audit;
using Vigil.ControlPlane.Data.Commands;
using Vigil.ControlPlane.Data.Configurations;
using Vigil.ControlPlane.Data.Decider;
using Vigil.ControlPlane.Data.Events;
using Vigil.ControlPlane.Data.Failover;
using Vigil.ControlPlane.Data.Metrics;
using Vigil.ControlPlane.Data.Nodes;
using Vigil.ControlPlane.Data.Security;

namespace Vigil.ControlPlane.Data;

public sealed class VigilDbContext(DbContextOptions<VigilDbContext> options) : IdentityDbContext<VigilUser>(options), IDataProtectionKeyContext
{
    private const string SqliteProvider = "Microsoft.EntityFrameworkCore.Sqlite";

    public DbSet<Node> Nodes => Set<Node>();

    /// <summary>The Data Protection keys, when several control planes share them (a standby): see the control plane's security setup.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<NodeLivenessChange> NodeLivenessChanges => Set<NodeLivenessChange>();

    public DbSet<StoredEvent> Events => Set<StoredEvent>();

    public DbSet<DesiredNodeConfiguration> DesiredNodeConfigurations => Set<DesiredNodeConfiguration>();

    public DbSet<StoredCommand> Commands => Set<StoredCommand>();

    public DbSet<FailoverGroup> FailoverGroups => Set<FailoverGroup>();

    public DbSet<FailoverGroupMember> FailoverGroupMembers => Set<FailoverGroupMember>();

    public DbSet<FailoverRecord> FailoverHistory => Set<FailoverRecord>();

    public DbSet<Drill> Drills => Set<Drill>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<EnrollmentToken> EnrollmentTokens => Set<EnrollmentToken>();

    public DbSet<EnrolledAgent> Agents => Set<EnrolledAgent>();

    public DbSet<AuditEntry> AuditLog => Set<AuditEntry>();

    public DbSet<NodeMetricRollup> NodeMetricRollups => Set<NodeMetricRollup>();

    public DbSet<StoredAlertRule> AlertRules => Set<StoredAlertRule>();

    public DbSet<StoredAlertChannel> AlertChannels => Set<StoredAlertChannel>();

    public DbSet<StoredSilence> AlertSilences => Set<StoredSilence>();

    public DbSet<StoredAlert> Alerts => Set<StoredAlert>();

    public DbSet<AlertDelivery> AlertDeliveries => Set<AlertDelivery>();

    public DbSet<DeciderLease> DeciderLeases => Set<DeciderLease>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(VigilDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no date-time type that sorts and compares; store instants as Unix milliseconds.
        if (Database.ProviderName == SqliteProvider)
        {
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UnixMillisecondsConverter>();
        }
    }
}
