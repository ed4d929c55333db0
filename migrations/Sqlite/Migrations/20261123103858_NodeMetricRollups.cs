using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class NodeMetricRollups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "NodeMetricRollups",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    NodeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Resolution = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    BucketStart = table.Column<long>(type: "INTEGER", nullable: false),
                    CpuAverage = table.Column<double>(type: "REAL", nullable: false),
                    CpuMax = table.Column<double>(type: "REAL", nullable: false),
                    MemoryUsedAverage = table.Column<long>(type: "INTEGER", nullable: false),
                    MemoryTotal = table.Column<long>(type: "INTEGER", nullable: false),
                    SampleCount = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_NodeMetricRollups", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_NodeMetricRollups_NodeId_Resolution_BucketStart",
                table: "NodeMetricRollups",
                columns: new[] { "NodeId", "Resolution", "BucketStart" });

            migrationBuilder.CreateIndex(
                name: "IX_NodeMetricRollups_Resolution_BucketStart",
                table: "NodeMetricRollups",
                columns: new[] { "Resolution", "BucketStart" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "NodeMetricRollups");
        }
    }
}
