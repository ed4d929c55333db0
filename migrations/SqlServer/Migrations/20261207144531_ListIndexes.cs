using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Migrations.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class ListIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Events_Kind_ReceivedAt",
                table: "Events",
                columns: new[] { "Kind", "ReceivedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Events_Service_Kind_ReceivedAt",
                table: "Events",
                columns: new[] { "Service", "Kind", "ReceivedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_FiredAt_Id",
                table: "Alerts",
                columns: new[] { "FiredAt", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Events_Kind_ReceivedAt",
                table: "Events");

            migrationBuilder.DropIndex(
                name: "IX_Events_Service_Kind_ReceivedAt",
                table: "Events");

            migrationBuilder.DropIndex(
                name: "IX_Alerts_FiredAt_Id",
                table: "Alerts");
        }
    }
}
