using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Vigil.ControlPlane.Data.Nodes;

namespace Vigil.ControlPlane.Data.Configurations;

internal sealed class DesiredNodeConfigurationConfiguration : IEntityTypeConfiguration<DesiredNodeConfiguration>
{
    public void Configure(EntityTypeBuilder<DesiredNodeConfiguration> configuration)
    {
        configuration.ToTable("DesiredNodeConfigurations");
        configuration.HasKey(c => c.NodeId);
        configuration.Property(c => c.Version).IsConcurrencyToken();
        configuration.HasOne<Node>().WithOne().HasForeignKey<DesiredNodeConfiguration>(c => c.NodeId).OnDelete(DeleteBehavior.Cascade);
    }
}
