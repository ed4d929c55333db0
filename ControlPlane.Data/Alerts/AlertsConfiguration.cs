using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Vigil.ControlPlane.Data.Alerts;

internal sealed class StoredAlertRuleConfiguration : IEntityTypeConfiguration<StoredAlertRule>
{
    public void Configure(EntityTypeBuilder<StoredAlertRule> rule)
    {
        rule.IdentifiedTable("AlertRules");
        rule.Property(r => r.Name).HasMaxLength(AlertLimits.NameMaxLength);
        rule.Property(r => r.Definition).HasMaxLength(AlertLimits.DocumentMaxLength);
        rule.HasIndex(r => r.Name).IsUnique();
    }
}

internal sealed class StoredAlertChannelConfiguration : IEntityTypeConfiguration<StoredAlertChannel>
{
    public void Configure(EntityTypeBuilder<StoredAlertChannel> channel)
    {
        channel.IdentifiedTable("AlertChannels");
        channel.Property(c => c.Name).HasMaxLength(AlertLimits.NameMaxLength);
        channel.Property(c => c.Kind).HasMaxLength(16);
        channel.Property(c => c.Settings).HasMaxLength(AlertLimits.DocumentMaxLength);
        channel.Property(c => c.ProtectedSecrets).HasMaxLength(AlertLimits.DocumentMaxLength);
        channel.HasIndex(c => c.Name).IsUnique();
    }
}

internal sealed class StoredSilenceConfiguration : IEntityTypeConfiguration<StoredSilence>
{
    public void Configure(EntityTypeBuilder<StoredSilence> silence)
    {
        silence.IdentifiedTable("AlertSilences");
        silence.Property(s => s.Matchers).HasMaxLength(AlertLimits.DocumentMaxLength);
        silence.Property(s => s.CreatedBy).HasMaxLength(AlertLimits.NameMaxLength);
        silence.Property(s => s.Reason).HasMaxLength(AlertLimits.TextMaxLength);
        silence.HasIndex(s => s.ExpiresAt);
    }
}

internal sealed class StoredAlertConfiguration : IEntityTypeConfiguration<StoredAlert>
{
    public void Configure(EntityTypeBuilder<StoredAlert> alert)
    {
        alert.IdentifiedTable("Alerts");
        alert.Property(a => a.TargetKey).HasMaxLength(AlertLimits.TargetKeyMaxLength);
        alert.Property(a => a.Status).HasMaxLength(16);
        alert.Property(a => a.Severity).HasMaxLength(16);
        alert.Property(a => a.Condition).HasMaxLength(32);
        alert.Property(a => a.Summary).HasMaxLength(AlertLimits.TextMaxLength);
        alert.Property(a => a.AcknowledgedBy).HasMaxLength(AlertLimits.NameMaxLength);
        alert.Property(a => a.Document).HasMaxLength(AlertLimits.DocumentMaxLength);
        alert.HasIndex(a => new { a.Status, a.FiredAt });

        // The list of all alerts, newest first, reads its page from this index instead of sorting every alert.
        alert.HasIndex(a => new { a.FiredAt, a.Id });
        alert.HasIndex(a => new { a.RuleId, a.TargetKey });
    }
}

internal sealed class AlertDeliveryConfiguration : IEntityTypeConfiguration<AlertDelivery>
{
    public void Configure(EntityTypeBuilder<AlertDelivery> delivery)
    {
        delivery.IdentifiedTable("AlertDeliveries");
        delivery.Property(d => d.Notification).HasMaxLength(16);
        delivery.Property(d => d.Alert).HasMaxLength(AlertLimits.DocumentMaxLength);
        delivery.Property(d => d.State).HasConversion<string>().HasMaxLength(16);
        delivery.Property(d => d.LastError).HasMaxLength(AlertLimits.TextMaxLength);
        delivery.HasOne<StoredAlert>().WithMany().HasForeignKey(d => d.AlertId).OnDelete(DeleteBehavior.Cascade);
        delivery.HasIndex(d => new { d.AlertId, d.CreatedAt });
        delivery.HasIndex(d => new { d.State, d.NextAttemptAt });
    }
}

internal static class AlertTables
{
    /// <summary>Maps the entity to <paramref name="table"/>, keyed by its <c>Id</c>, a Guid the control plane chooses.</summary>
    public static void IdentifiedTable<T>(this EntityTypeBuilder<T> entity, string table)
        where T : class
    {
        entity.ToTable(table);
        entity.HasKey("Id");
        entity.Property<Guid>("Id").ValueGeneratedNever();
    }
}

/// <summary>Column sizes of the alert tables; the API validates against the same numbers.</summary>
public static class AlertLimits
{
    public const int NameMaxLength = 128;
    public const int TextMaxLength = 2_000;
    public const int TargetKeyMaxLength = 400;
    public const int DocumentMaxLength = 32_000;
}
