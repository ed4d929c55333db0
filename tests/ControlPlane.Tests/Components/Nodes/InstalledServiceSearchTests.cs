using Vigil.ControlPlane.Components.Nodes;
using Vigil.Shared.Messages;

namespace Vigil.ControlPlane.Tests.Components.Nodes;

public sealed class InstalledServiceSearchTests
{
    private static readonly InstalledService[] Installed =
    [
        new() { Name = "W3SVC", DisplayName = "World Wide Web Publishing Service" },
        new() { Name = "Spooler", DisplayName = "Print Spooler" },
        new() { Name = "wuauserv", DisplayName = "Windows Update" },
        new() { Name = "MSSQLSERVER", DisplayName = "SQL Server (MSSQLSERVER)" },
        new() { Name = "AppHostSvc", DisplayName = "" },
    ];

    [Fact]
    public void Nothing_typed_offers_every_service_by_name()
    {
        Assert.Equal(["AppHostSvc", "MSSQLSERVER", "Spooler", "W3SVC", "wuauserv"], InstalledServiceSearch.Matching(Installed, "  ").Select(s => s.Name));
    }

    [Fact]
    public void A_part_of_the_display_name_finds_the_service_in_any_case()
    {
        Assert.Equal(["W3SVC"], InstalledServiceSearch.Matching(Installed, "web publishing").Select(s => s.Name));
        Assert.Equal(["Spooler"], InstalledServiceSearch.Matching(Installed, "PRINT").Select(s => s.Name));
    }

    [Fact]
    public void Names_that_begin_with_the_text_come_before_those_that_only_contain_it()
    {
        Assert.Equal(["Spooler", "AppHostSvc", "MSSQLSERVER", "W3SVC", "wuauserv"], InstalledServiceSearch.Matching(Installed, "s").Select(s => s.Name));
    }

    [Fact]
    public void A_name_nothing_matches_offers_nothing()
    {
        Assert.Empty(InstalledServiceSearch.Matching(Installed, "nginx"));
    }
}
