using Vigil.ControlPlane.Retention;

namespace Vigil.ControlPlane.Tests.Retention;

public sealed class RetentionOptionsValidatorTests
{
    private static readonly RetentionOptionsValidator Validator = new();

    [Fact]
    public void The_defaults_and_zero_ages_are_valid()
    {
        Assert.True(Validator.Validate(null, new RetentionOptions()).Succeeded);
        Assert.True(Validator.Validate(null, new RetentionOptions { Events = TimeSpan.Zero, Audit = TimeSpan.Zero }).Succeeded);
    }

    [Fact]
    public void An_age_under_a_day_is_refused_with_its_key_named()
    {
        var result = Validator.Validate(null, new RetentionOptions { Audit = TimeSpan.FromHours(3), BatchSize = 0 });

        Assert.True(result.Failed);
        Assert.Contains("Retention:Audit", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Retention:BatchSize", result.FailureMessage, StringComparison.Ordinal);
    }
}
