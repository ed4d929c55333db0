using Vigil.ControlPlane.Components.Nodes;

namespace Vigil.ControlPlane.Tests.Components.Nodes;

public sealed class DefinitionErrorsTests
{
    private static readonly Dictionary<string, string[]> Errors = new()
    {
        ["services[1].name"] = ["must be 1 to 64 characters"],
        ["services[1].arguments[2]"] = ["must be printable"],
        ["services[1].probes[0].url"] = ["must be an absolute http or https URL"],
        ["services[1].probes[0].rise"] = ["must be from 1 to 100"],
        ["services[0].executable"] = ["'/bin/sh' is not allowed"],
    };

    [Fact]
    public void The_errors_of_the_service_being_edited_are_placed_on_its_fields_and_the_others_kept_apart()
    {
        var (own, others) = DefinitionErrors.Split(Errors, 1);

        Assert.Equal(["arguments[2]", "name", "probes[0].rise", "probes[0].url"], own.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["services[0].executable '/bin/sh' is not allowed"], others);
    }

    [Fact]
    public void A_field_shows_its_own_errors_and_those_of_its_parts_but_not_of_a_field_that_merely_starts_alike()
    {
        var (own, _) = DefinitionErrors.Split(Errors, 1);
        own["names"] = ["unrelated"];

        Assert.Equal("must be 1 to 64 characters", DefinitionErrors.Of(own, "name"));
        Assert.Equal("[2] must be printable", DefinitionErrors.Of(own, "arguments"));
        Assert.Equal("rise must be from 1 to 100", DefinitionErrors.Of(own, "probes[0]", "url", "interval"));
        Assert.Null(DefinitionErrors.Of(own, "workingDirectory"));
    }
}
