using Vigil.Agent.Connection;

namespace Vigil.Agent.Tests.Connection;

public sealed class ControlPlaneRotationTests
{
    private static readonly Uri A = new("http://a:5080");
    private static readonly Uri B = new("http://b:5080");
    private static readonly Uri C = new("http://c:5080");

    [Fact]
    public void A_lost_connection_moves_to_the_next_address_at_once_and_waits_only_when_every_address_failed()
    {
        var rotation = new ControlPlaneRotation([A, B, C]);
        Assert.Equal(A, rotation.Current);

        // After the wait, a new round: the others are tried at once again.
        AssertFailures(rotation, (true, B), (true, C), (false, A), (true, B));
    }

    [Fact]
    public void A_registration_starts_a_new_round_from_the_address_after_the_one_that_held()
    {
        var rotation = new ControlPlaneRotation([A, B, C]);
        AssertFailures(rotation, (true, B), (true, C));

        rotation.Connected();

        AssertFailures(rotation, (true, A), (true, B), (false, C));
    }

    [Fact]
    public void A_session_that_ended_is_tried_again_at_its_address_then_the_others_follow_at_once()
    {
        var rotation = new ControlPlaneRotation([A, B, C]);
        rotation.Connected();

        rotation.SessionEnded();

        Assert.Equal(A, rotation.Current);
        AssertFailures(rotation, (true, B), (true, C), (false, A));
    }

    [Fact]
    public void A_single_address_always_waits_between_attempts()
    {
        var rotation = new ControlPlaneRotation([A]);
        rotation.Connected();

        AssertFailures(rotation, (false, A), (false, A));
    }

    [Fact]
    public void No_address_is_a_mistake() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new ControlPlaneRotation([]));

    /// <summary>Each failure in turn: whether the next attempt may start at once, and at which address.</summary>
    private static void AssertFailures(ControlPlaneRotation rotation, params (bool AtOnce, Uri Next)[] expected)
    {
        var actual = expected.Select(_ => (rotation.MoveOnAfterFailure(), rotation.Current)).ToArray();
        Assert.Equal(expected, actual);
    }
}
