using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Vigil.ControlPlane.Data.Nodes;
using Vigil.Shared.Validation;

namespace Vigil.ControlPlane.Data.Commands;

internal sealed class StoredCommandConfiguration : IEntityTypeConfiguration<StoredCommand>
{
    public void Configure(EntityTypeBuilder<StoredCommand> command)
    {
        command.ToTable("Commands");
        command.HasKey(c => c.Id);
        command.Property(c => c.Service).HasMaxLength(MessageLimits.ServiceNameMaxLength);
        command.Property(c => c.Kind).HasMaxLength(16);
        command.Property(c => c.State).HasConversion<string>().HasMaxLength(16);
        command.Property(c => c.Origin).HasMaxLength(16);
        command.Property(c => c.IdempotencyKey).HasMaxLength(128);
        command.Property(c => c.RequestFingerprint).HasMaxLength(512);
        command.Property(c => c.Role).HasMaxLength(1024);
        command.Property(c => c.Message).HasMaxLength(MessageLimits.CommandMessageMaxLength);
        command.HasOne<Node>().WithMany().HasForeignKey(c => c.NodeId).OnDelete(DeleteBehavior.Cascade);
        command.HasIndex(c => c.IdempotencyKey).IsUnique();
        command.HasIndex(c => new { c.State, c.NodeId });
        command.HasIndex(c => c.CreatedAt);
    }
}
