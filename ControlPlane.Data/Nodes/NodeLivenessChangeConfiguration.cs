using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Vigil.ControlPlane.Data.Nodes;

internal sealed class NodeLivenessChangeConfiguration : IEntityTypeConfiguration<NodeLivenessChange>
{
    public const int ReasonMaxLength = 512;

    public void Configure(EntityTypeBuilder<NodeLivenessChange> change)
    {
        change.ToTable("NodeLivenessChanges");
        change.HasKey(c => c.Id);
        change.Property(c => c.From).HasConversion<string>().HasMaxLength(16);
        change.Property(c => c.To).HasConversion<string>().HasMaxLength(16);
        change.Property(c => c.Reason).HasMaxLength(ReasonMaxLength);
        change.HasOne<Node>().WithMany().HasForeignKey(c => c.NodeId).OnDelete(DeleteBehavior.Cascade);
        change.HasIndex(c => new { c.NodeId, c.At });
    }
}
