using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Vigil.ControlPlane.Data.Nodes;
using Vigil.Shared.Validation;

namespace Vigil.ControlPlane.Data.Events;

internal sealed class StoredEventConfiguration : IEntityTypeConfiguration<StoredEvent>
{
    public void Configure(EntityTypeBuilder<StoredEvent> stored)
    {
        stored.ToTable("Events");
        stored.HasKey(e => e.Id);
        stored.Property(e => e.Kind).HasMaxLength(32);
        stored.Property(e => e.Service).HasMaxLength(MessageLimits.ServiceNameMaxLength);
        stored.Property(e => e.Message).HasMaxLength(MessageLimits.EventMessageMaxLength);
        stored.HasOne<Node>().WithMany().HasForeignKey(e => e.NodeId).OnDelete(DeleteBehavior.Cascade);
        stored.HasIndex(e => new { e.NodeId, e.Sequence }).IsUnique();
        // Lists are newest first by ReceivedAt: each filter has an index that also gives that order,
        // so a page reads its rows only and a count reads one index range.
        stored.HasIndex(e => e.ReceivedAt);
        stored.HasIndex(e => new { e.Service, e.ReceivedAt });
        stored.HasIndex(e => new { e.Kind, e.ReceivedAt });
        stored.HasIndex(e => new { e.Service, e.Kind, e.ReceivedAt });
    }
}
