using System.Diagnostics;
using Vigil.Agent.Supervision.ProcessServices;
using Vigil.Shared.Services;

namespace Vigil.Agent.Tests.Supervision.ProcessServices;

public sealed class ProcessSchedulingTests
{
    [Theory]
    [InlineData("Idle", ProcessPriorityClass.Idle)]
    [InlineData("belownormal", ProcessPriorityClass.BelowNormal)]
    [InlineData("Normal", ProcessPriorityClass.Normal)]
    [InlineData("ABOVENORMAL", ProcessPriorityClass.AboveNormal)]
    [InlineData("High", ProcessPriorityClass.High)]
    public void Each_priority_name_is_its_class_in_any_case(string name, ProcessPriorityClass expected)
    {
        Assert.Equal(expected, ProcessScheduling.ClassOf(name));
    }

    [Fact]
    public void Every_allowed_priority_has_a_class_and_real_time_is_not_one_of_them()
    {
        Assert.All(ProcessPriorities.All, name => ProcessScheduling.ClassOf(name));
        Assert.Throws<ArgumentOutOfRangeException>(() => ProcessScheduling.ClassOf("RealTime"));
    }

    [Fact]
    public void The_affinity_mask_has_one_bit_per_processor_up_to_the_last_of_a_group()
    {
        Assert.Equal((nint)0b101, ProcessScheduling.MaskOf([0, 2]));
        Assert.Equal(unchecked((nint)0x8000_0000_0000_0001UL), ProcessScheduling.MaskOf([0, ProcessPriorities.MaxProcessorIndex]));
    }
}
