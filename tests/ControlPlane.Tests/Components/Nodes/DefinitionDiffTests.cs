using Vigil.ControlPlane.Components.Nodes;
using Vigil.Shared.Services;

namespace Vigil.ControlPlane.Tests.Components.Nodes;

public sealed class DefinitionDiffTests
{
    private static readonly ManagedServiceDefinition Web = new() { Name = "web", Kind = ServiceKinds.Process, Executable = "/opt/web/web", Arguments = ["--port", "8080"] };

    [Fact]
    public void A_change_lists_each_field_it_alters_by_its_path_in_the_request_with_both_values()
    {
        var changed = Web with { Arguments = ["--port", "9090"], Environment = new() { ["MODE"] = "test" } };

        var fields = DefinitionDiff.Between(Web, changed);

        Assert.Equal(
            [new FieldChange("arguments[1]", "\"8080\"", "\"9090\""), new FieldChange("environment.MODE", null, "\"test\"")],
            fields.OrderBy(f => f.Field, StringComparer.Ordinal));
    }

    [Fact]
    public void A_new_service_shows_every_field_as_set_and_a_removed_one_as_cleared()
    {
        var added = DefinitionDiff.Between(null, Web);
        var removed = DefinitionDiff.Between(Web, null);

        Assert.Contains(new FieldChange("executable", null, "\"/opt/web/web\""), added);
        Assert.Contains(new FieldChange("name", "\"web\"", null), removed);
        Assert.All(added, f => Assert.Null(f.Before));
        Assert.All(removed, f => Assert.Null(f.After));
    }

    [Fact]
    public void The_json_preview_is_the_body_of_the_put()
    {
        var json = DefinitionDiff.JsonOf([Web]);

        using var body = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal("/opt/web/web", body.RootElement.GetProperty("services")[0].GetProperty("executable").GetString());
    }
}
