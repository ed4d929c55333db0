using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Vigil.ControlPlane.Data.Decider;

internal sealed class DeciderLeaseConfiguration : IEntityTypeConfiguration<DeciderLease>
{
    public void Configure(EntityTypeBuilder<DeciderLease> lease)
    {
        lease.ToTable("DeciderLeases");
        lease.HasKey(l => l.Name);
        lease.Property(l => l.Name).HasMaxLength(64);
        lease.Property(l => l.HolderName).HasMaxLength(256);
    }
}
