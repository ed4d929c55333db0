using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Migrations.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class AddAlertDeliveryRetries : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "NextAttemptAt",
                table: "AlertDeliveries",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_AlertDeliveries_State_NextAttemptAt",
                table: "AlertDeliveries",
                columns: new[] { "State", "NextAttemptAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_AlertDeliveries_State_NextAttemptAt",
                table: "AlertDeliveries");

            migrationBuilder.DropColumn(
                name: "NextAttemptAt",
                table: "AlertDeliveries");
        }
    }
}
