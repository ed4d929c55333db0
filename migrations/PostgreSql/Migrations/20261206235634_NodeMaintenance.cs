using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Migrations.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class NodeMaintenance : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "MaintenanceBy",
                table: "Nodes",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MaintenanceReason",
                table: "Nodes",
                type: "character varying(512)",
                maxLength: 512,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "MaintenanceSince",
                table: "Nodes",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "MaintenanceUntil",
                table: "Nodes",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "MaintenanceBy",
                table: "Nodes");

            migrationBuilder.DropColumn(
                name: "MaintenanceReason",
                table: "Nodes");

            migrationBuilder.DropColumn(
                name: "MaintenanceSince",
                table: "Nodes");

            migrationBuilder.DropColumn(
                name: "MaintenanceUntil",
                table: "Nodes");
        }
    }
}
