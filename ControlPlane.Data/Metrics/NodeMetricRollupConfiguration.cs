using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Vigil.ControlPlane.Data.Metrics;

internal sealed class NodeMetricRollupConfiguration : IEntityTypeConfiguration<NodeMetricRollup>
{
    public void Configure(EntityTypeBuilder<NodeMetricRollup> rollup)
    {
        rollup.ToTable("NodeMetricRollups");
        rollup.HasKey(r => r.Id);
        rollup.Property(r => r.Resolution).HasConversion<string>().HasMaxLength(8);

        // One node's history over a time range: the charts and the API.
        rollup.HasIndex(r => new { r.NodeId, r.Resolution, r.BucketStart });

        // Every node's rows of one hour (rolling minutes up into hours) and the rows past retention (pruning).
        rollup.HasIndex(r => new { r.Resolution, r.BucketStart });
    }
}
