using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Vigil.Migrations.PostgreSql.Migrations
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
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    NodeId = table.Column<Guid>(type: "uuid", nullable: false),
                    Resolution = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    BucketStart = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CpuAverage = table.Column<double>(type: "double precision", nullable: false),
                    CpuMax = table.Column<double>(type: "double precision", nullable: false),
                    MemoryUsedAverage = table.Column<long>(type: "bigint", nullable: false),
                    MemoryTotal = table.Column<long>(type: "bigint", nullable: false),
                    SampleCount = table.Column<int>(type: "integer", nullable: false)
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
