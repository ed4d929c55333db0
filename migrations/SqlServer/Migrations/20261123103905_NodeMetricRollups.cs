using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Migrations.SqlServer.Migrations
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    NodeId = table.Column<Guid>(type: "uniqueidentifier", nullable: false),
                    Resolution = table.Column<string>(type: "nvarchar(8)", maxLength: 8, nullable: false),
                    BucketStart = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    CpuAverage = table.Column<double>(type: "float", nullable: false),
                    CpuMax = table.Column<double>(type: "float", nullable: false),
                    MemoryUsedAverage = table.Column<long>(type: "bigint", nullable: false),
                    MemoryTotal = table.Column<long>(type: "bigint", nullable: false),
                    SampleCount = table.Column<int>(type: "int", nullable: false)
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
