using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Vigil.Shared.Validation;

namespace Vigil.ControlPlane.Data.Nodes;

internal sealed class NodeConfiguration : IEntityTypeConfiguration<Node>
{
    /// <summary>Room for the largest label set the protocol allows, JSON-encoded.</summary>
    private const int LabelsMaxLength = 16_000;

    public void Configure(EntityTypeBuilder<Node> node)
    {
        node.ToTable("Nodes");
        node.HasKey(n => n.Id);
        node.Property(n => n.Id).ValueGeneratedNever();
        node.Property(n => n.Name).HasMaxLength(MessageLimits.NodeNameMaxLength);
        node.Property(n => n.AgentVersion).HasMaxLength(MessageLimits.AgentVersionMaxLength);
        node.Property(n => n.OperatingSystem).HasMaxLength(MessageLimits.OperatingSystemMaxLength);
        node.Property(n => n.Liveness).HasConversion<string>().HasMaxLength(16);
        node.Property(n => n.Labels)
            .HasConversion(
                labels => JsonSerializer.Serialize(labels, JsonSerializerOptions.Default),
                json => JsonSerializer.Deserialize<Dictionary<string, string>>(json, JsonSerializerOptions.Default) ?? new(),
                new ValueComparer<Dictionary<string, string>>(
                    (a, b) => a!.Count == b!.Count && !a.Except(b).Any(),
                    labels => labels.Aggregate(0, (hash, pair) => HashCode.Combine(hash, pair.Key, pair.Value)),
                    labels => new Dictionary<string, string>(labels)))
            .HasMaxLength(LabelsMaxLength);
        node.Property(n => n.MaintenanceReason).HasMaxLength(Node.MaintenanceReasonMaxLength);
        node.Property(n => n.MaintenanceBy).HasMaxLength(Node.MaintenanceByMaxLength);
        node.HasIndex(n => n.Name);
    }
}
