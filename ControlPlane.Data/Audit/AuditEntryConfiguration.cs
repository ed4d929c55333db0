using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Vigil.ControlPlane.Data.Audit;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public const int ActorMaxLength = 256;
    public const int ActionMaxLength = 64;
    public const int TargetMaxLength = 256;
    public const int DetailMaxLength = 1024;

    public void Configure(EntityTypeBuilder<AuditEntry> entry)
    {
        entry.ToTable("AuditLog");
        entry.HasKey(e => e.Id);
        entry.Property(e => e.Actor).HasMaxLength(ActorMaxLength);
        entry.Property(e => e.Action).HasMaxLength(ActionMaxLength);
        entry.Property(e => e.Target).HasMaxLength(TargetMaxLength);
        entry.Property(e => e.SourceAddress).HasMaxLength(64);
        entry.Property(e => e.Outcome).HasMaxLength(16);
        entry.Property(e => e.Detail).HasMaxLength(DetailMaxLength);
        entry.HasIndex(e => e.At);
        entry.HasIndex(e => new { e.Actor, e.At });
        entry.HasIndex(e => new { e.Action, e.At });
    }
}
