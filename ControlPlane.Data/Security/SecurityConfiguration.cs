using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Vigil.ControlPlane.Data.Security;

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> key)
    {
        key.ToTable("ApiKeys");
        key.HasKey(k => k.Id);
        key.Property(k => k.Name).HasMaxLength(SecurityLimits.NameMaxLength);
        key.Property(k => k.Role).HasMaxLength(16);
        key.Property(k => k.SecretHash).HasMaxLength(32);
        key.Property(k => k.CreatedBy).HasMaxLength(SecurityLimits.ActorMaxLength);
        key.HasIndex(k => k.Name);
        key.HasIndex(k => k.SecretHash).IsUnique();
    }
}

internal sealed class EnrollmentTokenConfiguration : IEntityTypeConfiguration<EnrollmentToken>
{
    public void Configure(EntityTypeBuilder<EnrollmentToken> token)
    {
        token.ToTable("EnrollmentTokens");
        token.HasKey(t => t.Id);
        token.Property(t => t.Name).HasMaxLength(SecurityLimits.NameMaxLength);
        token.Property(t => t.SecretHash).HasMaxLength(32);
        token.Property(t => t.CreatedBy).HasMaxLength(SecurityLimits.ActorMaxLength);
        // Two enrolments racing for the last use: the second one's update fails and is refused.
        token.Property(t => t.Uses).IsConcurrencyToken();
        token.HasIndex(t => t.SecretHash).IsUnique();
    }
}

internal sealed class EnrolledAgentConfiguration : IEntityTypeConfiguration<EnrolledAgent>
{
    public void Configure(EntityTypeBuilder<EnrolledAgent> agent)
    {
        agent.ToTable("Agents");
        agent.HasKey(a => a.Id);
        agent.Property(a => a.HostName).HasMaxLength(255);
        agent.Property(a => a.SecretHash).HasMaxLength(32);
        agent.Property(a => a.EnrolledFrom).HasMaxLength(64);
        agent.Property(a => a.State).HasConversion<string>().HasMaxLength(16);
        agent.Property(a => a.ApprovedBy).HasMaxLength(SecurityLimits.ActorMaxLength);
        agent.Property(a => a.RevokedBy).HasMaxLength(SecurityLimits.ActorMaxLength);
        agent.HasIndex(a => a.NodeId);
        agent.HasIndex(a => a.SecretHash).IsUnique();
    }
}

public static class SecurityLimits
{
    public const int NameMaxLength = 100;
    public const int ActorMaxLength = 256;
}
