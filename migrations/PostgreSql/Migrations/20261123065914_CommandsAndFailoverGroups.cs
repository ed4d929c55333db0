using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Vigil.Migrations.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class CommandsAndFailoverGroups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Commands",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    NodeId = table.Column<Guid>(type: "uuid", nullable: false),
                    Service = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Origin = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    IdempotencyKey = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    RequestFingerprint = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    GroupId = table.Column<Guid>(type: "uuid", nullable: true),
                    Epoch = table.Column<long>(type: "bigint", nullable: true),
                    Role = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                    TimeoutMs = table.Column<int>(type: "integer", nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    AnswerDueAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    CompletedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Message = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Commands", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Commands_Nodes_NodeId",
                        column: x => x.NodeId,
                        principalTable: "Nodes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "FailoverGroups",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Description = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    Isolation = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Failback = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    FailbackAfterSeconds = table.Column<int>(type: "integer", nullable: false),
                    FailbackWindowStartHour = table.Column<int>(type: "integer", nullable: true),
                    FailbackWindowEndHour = table.Column<int>(type: "integer", nullable: true),
                    CooldownSeconds = table.Column<int>(type: "integer", nullable: false),
                    MaxFailovers = table.Column<int>(type: "integer", nullable: false),
                    MaxFailoversPeriodSeconds = table.Column<int>(type: "integer", nullable: false),
                    RtoObjectiveSeconds = table.Column<int>(type: "integer", nullable: false),
                    DrillSchedule = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    DrillKind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Epoch = table.Column<long>(type: "bigint", nullable: false),
                    ActiveMemberId = table.Column<Guid>(type: "uuid", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FailoverGroups", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Drills",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    GroupId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Trigger = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    FinishedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    DetectionMs = table.Column<long>(type: "bigint", nullable: true),
                    RtoMs = table.Column<long>(type: "bigint", nullable: true),
                    RtoObjectiveSeconds = table.Column<int>(type: "integer", nullable: false),
                    Overlap = table.Column<bool>(type: "boolean", nullable: false),
                    Outcome = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Message = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Drills", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Drills_FailoverGroups_GroupId",
                        column: x => x.GroupId,
                        principalTable: "FailoverGroups",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "FailoverGroupMembers",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    GroupId = table.Column<Guid>(type: "uuid", nullable: false),
                    NodeId = table.Column<Guid>(type: "uuid", nullable: false),
                    Service = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Priority = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FailoverGroupMembers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_FailoverGroupMembers_FailoverGroups_GroupId",
                        column: x => x.GroupId,
                        principalTable: "FailoverGroups",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_FailoverGroupMembers_Nodes_NodeId",
                        column: x => x.NodeId,
                        principalTable: "Nodes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "FailoverHistory",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    GroupId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    FromNodeId = table.Column<Guid>(type: "uuid", nullable: true),
                    ToNodeId = table.Column<Guid>(type: "uuid", nullable: false),
                    Service = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Epoch = table.Column<long>(type: "bigint", nullable: false),
                    Reason = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    DetectedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    DecidedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CommandedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ConfirmedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    RtoMs = table.Column<long>(type: "bigint", nullable: true),
                    Outcome = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Overlap = table.Column<bool>(type: "boolean", nullable: false),
                    DrillId = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FailoverHistory", x => x.Id);
                    table.ForeignKey(
                        name: "FK_FailoverHistory_FailoverGroups_GroupId",
                        column: x => x.GroupId,
                        principalTable: "FailoverGroups",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Commands_CreatedAt",
                table: "Commands",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Commands_IdempotencyKey",
                table: "Commands",
                column: "IdempotencyKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Commands_NodeId",
                table: "Commands",
                column: "NodeId");

            migrationBuilder.CreateIndex(
                name: "IX_Commands_State_NodeId",
                table: "Commands",
                columns: new[] { "State", "NodeId" });

            migrationBuilder.CreateIndex(
                name: "IX_Drills_GroupId_StartedAt",
                table: "Drills",
                columns: new[] { "GroupId", "StartedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_FailoverGroupMembers_GroupId",
                table: "FailoverGroupMembers",
                column: "GroupId");

            migrationBuilder.CreateIndex(
                name: "IX_FailoverGroupMembers_NodeId_Service",
                table: "FailoverGroupMembers",
                columns: new[] { "NodeId", "Service" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_FailoverGroups_Name",
                table: "FailoverGroups",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_FailoverHistory_GroupId_Id",
                table: "FailoverHistory",
                columns: new[] { "GroupId", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Commands");

            migrationBuilder.DropTable(
                name: "Drills");

            migrationBuilder.DropTable(
                name: "FailoverGroupMembers");

            migrationBuilder.DropTable(
                name: "FailoverHistory");

            migrationBuilder.DropTable(
                name: "FailoverGroups");
        }
    }
}
