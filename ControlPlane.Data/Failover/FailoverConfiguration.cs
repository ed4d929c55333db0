using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Vigil.ControlPlane.Data.Nodes;
using Vigil.Shared.Validation;

namespace Vigil.ControlPlane.Data.Failover;

internal sealed class FailoverGroupConfiguration : IEntityTypeConfiguration<FailoverGroup>
{
    public void Configure(EntityTypeBuilder<FailoverGroup> group)
    {
        group.ToTable("FailoverGroups");
        group.HasKey(g => g.Id);
        group.Property(g => g.Name).HasMaxLength(MessageLimits.GroupNameMaxLength);
        group.Property(g => g.Description).HasMaxLength(512);
        group.Property(g => g.Isolation).HasConversion<string>().HasMaxLength(16);
        group.Property(g => g.Failback).HasConversion<string>().HasMaxLength(16);
        group.Property(g => g.DrillKind).HasConversion<string>().HasMaxLength(16);
        group.Property(g => g.DrillSchedule).HasMaxLength(128);
        group.Property(g => g.Epoch).IsConcurrencyToken();
        group.HasIndex(g => g.Name).IsUnique();
        group.HasMany(g => g.Members).WithOne().HasForeignKey(m => m.GroupId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class FailoverGroupMemberConfiguration : IEntityTypeConfiguration<FailoverGroupMember>
{
    public void Configure(EntityTypeBuilder<FailoverGroupMember> member)
    {
        member.ToTable("FailoverGroupMembers");
        member.HasKey(m => m.Id);
        member.Property(m => m.Service).HasMaxLength(MessageLimits.ServiceNameMaxLength);
        member.HasOne<Node>().WithMany().HasForeignKey(m => m.NodeId).OnDelete(DeleteBehavior.Restrict);
        member.HasIndex(m => new { m.NodeId, m.Service }).IsUnique();
    }
}

internal sealed class FailoverRecordConfiguration : IEntityTypeConfiguration<FailoverRecord>
{
    public void Configure(EntityTypeBuilder<FailoverRecord> record)
    {
        record.ToTable("FailoverHistory");
        record.HasKey(r => r.Id);
        record.Property(r => r.Kind).HasConversion<string>().HasMaxLength(16);
        record.Property(r => r.Outcome).HasConversion<string>().HasMaxLength(16);
        record.Property(r => r.Service).HasMaxLength(MessageLimits.ServiceNameMaxLength);
        record.Property(r => r.Reason).HasMaxLength(512);
        record.HasOne<FailoverGroup>().WithMany().HasForeignKey(r => r.GroupId).OnDelete(DeleteBehavior.Cascade);
        record.HasIndex(r => new { r.GroupId, r.Id });
    }
}

internal sealed class DrillConfiguration : IEntityTypeConfiguration<Drill>
{
    public void Configure(EntityTypeBuilder<Drill> drill)
    {
        drill.ToTable("Drills");
        drill.HasKey(d => d.Id);
        drill.Property(d => d.Kind).HasConversion<string>().HasMaxLength(16);
        drill.Property(d => d.Outcome).HasConversion<string>().HasMaxLength(16);
        drill.Property(d => d.Trigger).HasMaxLength(16);
        drill.Property(d => d.Message).HasMaxLength(1024);
        drill.HasOne<FailoverGroup>().WithMany().HasForeignKey(d => d.GroupId).OnDelete(DeleteBehavior.Cascade);
        drill.HasIndex(d => new { d.GroupId, d.StartedAt });
    }
}
