using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Vigil.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class GroupTerms : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "ActiveTermsVersion",
                table: "FailoverGroups",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "StopSinceTermsVersion",
                table: "FailoverGroups",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "TermsVersion",
                table: "FailoverGroups",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ActiveTermsVersion",
                table: "FailoverGroups");

            migrationBuilder.DropColumn(
                name: "StopSinceTermsVersion",
                table: "FailoverGroups");

            migrationBuilder.DropColumn(
                name: "TermsVersion",
                table: "FailoverGroups");
        }
    }
}
