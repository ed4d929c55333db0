CREATE TABLE IF NOT EXISTS "__EFMigrationsHistory" (
    "MigrationId" TEXT NOT NULL CONSTRAINT "PK___EFMigrationsHistory" PRIMARY KEY,
    "ProductVersion" TEXT NOT NULL
);

BEGIN TRANSACTION;
CREATE TABLE "Nodes" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Nodes" PRIMARY KEY,
    "Name" TEXT NOT NULL,
    "AgentVersion" TEXT NOT NULL,
    "OperatingSystem" TEXT NOT NULL,
    "ProcessorCount" INTEGER NOT NULL,
    "HeartbeatIntervalMs" INTEGER NOT NULL,
    "Labels" TEXT NOT NULL,
    "Liveness" TEXT NOT NULL,
    "FirstSeenAt" INTEGER NOT NULL,
    "LastSeenAt" INTEGER NOT NULL,
    "LivenessChangedAt" INTEGER NOT NULL
);

CREATE TABLE "NodeLivenessChanges" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_NodeLivenessChanges" PRIMARY KEY AUTOINCREMENT,
    "NodeId" TEXT NOT NULL,
    "From" TEXT NOT NULL,
    "To" TEXT NOT NULL,
    "At" INTEGER NOT NULL,
    "Reason" TEXT NOT NULL,
    CONSTRAINT "FK_NodeLivenessChanges_Nodes_NodeId" FOREIGN KEY ("NodeId") REFERENCES "Nodes" ("Id") ON DELETE CASCADE
);

CREATE INDEX "IX_NodeLivenessChanges_NodeId_At" ON "NodeLivenessChanges" ("NodeId", "At");

CREATE INDEX "IX_Nodes_Name" ON "Nodes" ("Name");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261123015122_InitialNodes', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
CREATE TABLE "DesiredNodeConfigurations" (
    "NodeId" TEXT NOT NULL CONSTRAINT "PK_DesiredNodeConfigurations" PRIMARY KEY,
    "Version" INTEGER NOT NULL,
    "ServicesJson" TEXT NOT NULL,
    "UpdatedAt" INTEGER NOT NULL,
    CONSTRAINT "FK_DesiredNodeConfigurations_Nodes_NodeId" FOREIGN KEY ("NodeId") REFERENCES "Nodes" ("Id") ON DELETE CASCADE
);

CREATE TABLE "Events" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_Events" PRIMARY KEY AUTOINCREMENT,
    "NodeId" TEXT NOT NULL,
    "Sequence" INTEGER NOT NULL,
    "OccurredAt" INTEGER NOT NULL,
    "ReceivedAt" INTEGER NOT NULL,
    "Kind" TEXT NOT NULL,
    "Service" TEXT NULL,
    "Message" TEXT NOT NULL,
    "ExitCode" INTEGER NULL,
    CONSTRAINT "FK_Events_Nodes_NodeId" FOREIGN KEY ("NodeId") REFERENCES "Nodes" ("Id") ON DELETE CASCADE
);

CREATE UNIQUE INDEX "IX_Events_NodeId_Sequence" ON "Events" ("NodeId", "Sequence");

CREATE INDEX "IX_Events_ReceivedAt" ON "Events" ("ReceivedAt");

CREATE INDEX "IX_Events_Service_ReceivedAt" ON "Events" ("Service", "ReceivedAt");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261123035901_EventsAndDesiredConfigurations', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
CREATE TABLE "Commands" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Commands" PRIMARY KEY,
    "NodeId" TEXT NOT NULL,
    "Service" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "State" TEXT NOT NULL,
    "Origin" TEXT NOT NULL,
    "IdempotencyKey" TEXT NULL,
    "RequestFingerprint" TEXT NULL,
    "GroupId" TEXT NULL,
    "Epoch" INTEGER NULL,
    "Role" TEXT NULL,
    "TimeoutMs" INTEGER NOT NULL,
    "Attempts" INTEGER NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "ExpiresAt" INTEGER NOT NULL,
    "SentAt" INTEGER NULL,
    "AnswerDueAt" INTEGER NULL,
    "CompletedAt" INTEGER NULL,
    "Message" TEXT NULL,
    CONSTRAINT "FK_Commands_Nodes_NodeId" FOREIGN KEY ("NodeId") REFERENCES "Nodes" ("Id") ON DELETE CASCADE
);

CREATE TABLE "FailoverGroups" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_FailoverGroups" PRIMARY KEY,
    "Name" TEXT NOT NULL,
    "Description" TEXT NULL,
    "Isolation" TEXT NOT NULL,
    "Failback" TEXT NOT NULL,
    "FailbackAfterSeconds" INTEGER NOT NULL,
    "FailbackWindowStartHour" INTEGER NULL,
    "FailbackWindowEndHour" INTEGER NULL,
    "CooldownSeconds" INTEGER NOT NULL,
    "MaxFailovers" INTEGER NOT NULL,
    "MaxFailoversPeriodSeconds" INTEGER NOT NULL,
    "RtoObjectiveSeconds" INTEGER NOT NULL,
    "DrillSchedule" TEXT NULL,
    "DrillKind" TEXT NOT NULL,
    "Epoch" INTEGER NOT NULL,
    "ActiveMemberId" TEXT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "UpdatedAt" INTEGER NOT NULL
);

CREATE TABLE "Drills" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Drills" PRIMARY KEY,
    "GroupId" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "Trigger" TEXT NOT NULL,
    "StartedAt" INTEGER NOT NULL,
    "FinishedAt" INTEGER NULL,
    "DetectionMs" INTEGER NULL,
    "RtoMs" INTEGER NULL,
    "RtoObjectiveSeconds" INTEGER NOT NULL,
    "Overlap" INTEGER NOT NULL,
    "Outcome" TEXT NOT NULL,
    "Message" TEXT NULL,
    CONSTRAINT "FK_Drills_FailoverGroups_GroupId" FOREIGN KEY ("GroupId") REFERENCES "FailoverGroups" ("Id") ON DELETE CASCADE
);

CREATE TABLE "FailoverGroupMembers" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_FailoverGroupMembers" PRIMARY KEY,
    "GroupId" TEXT NOT NULL,
    "NodeId" TEXT NOT NULL,
    "Service" TEXT NOT NULL,
    "Priority" INTEGER NOT NULL,
    CONSTRAINT "FK_FailoverGroupMembers_FailoverGroups_GroupId" FOREIGN KEY ("GroupId") REFERENCES "FailoverGroups" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_FailoverGroupMembers_Nodes_NodeId" FOREIGN KEY ("NodeId") REFERENCES "Nodes" ("Id") ON DELETE RESTRICT
);

CREATE TABLE "FailoverHistory" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_FailoverHistory" PRIMARY KEY AUTOINCREMENT,
    "GroupId" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "FromNodeId" TEXT NULL,
    "ToNodeId" TEXT NOT NULL,
    "Service" TEXT NOT NULL,
    "Epoch" INTEGER NOT NULL,
    "Reason" TEXT NOT NULL,
    "DetectedAt" INTEGER NOT NULL,
    "DecidedAt" INTEGER NOT NULL,
    "CommandedAt" INTEGER NULL,
    "ConfirmedAt" INTEGER NULL,
    "RtoMs" INTEGER NULL,
    "Outcome" TEXT NOT NULL,
    "Overlap" INTEGER NOT NULL,
    "DrillId" TEXT NULL,
    CONSTRAINT "FK_FailoverHistory_FailoverGroups_GroupId" FOREIGN KEY ("GroupId") REFERENCES "FailoverGroups" ("Id") ON DELETE CASCADE
);

CREATE INDEX "IX_Commands_CreatedAt" ON "Commands" ("CreatedAt");

CREATE UNIQUE INDEX "IX_Commands_IdempotencyKey" ON "Commands" ("IdempotencyKey");

CREATE INDEX "IX_Commands_NodeId" ON "Commands" ("NodeId");

CREATE INDEX "IX_Commands_State_NodeId" ON "Commands" ("State", "NodeId");

CREATE INDEX "IX_Drills_GroupId_StartedAt" ON "Drills" ("GroupId", "StartedAt");

CREATE INDEX "IX_FailoverGroupMembers_GroupId" ON "FailoverGroupMembers" ("GroupId");

CREATE UNIQUE INDEX "IX_FailoverGroupMembers_NodeId_Service" ON "FailoverGroupMembers" ("NodeId", "Service");

CREATE UNIQUE INDEX "IX_FailoverGroups_Name" ON "FailoverGroups" ("Name");

CREATE INDEX "IX_FailoverHistory_GroupId_Id" ON "FailoverHistory" ("GroupId", "Id");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261123065856_CommandsAndFailoverGroups', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
CREATE TABLE "NodeMetricRollups" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_NodeMetricRollups" PRIMARY KEY AUTOINCREMENT,
    "NodeId" TEXT NOT NULL,
    "Resolution" TEXT NOT NULL,
    "BucketStart" INTEGER NOT NULL,
    "CpuAverage" REAL NOT NULL,
    "CpuMax" REAL NOT NULL,
    "MemoryUsedAverage" INTEGER NOT NULL,
    "MemoryTotal" INTEGER NOT NULL,
    "SampleCount" INTEGER NOT NULL
);

CREATE INDEX "IX_NodeMetricRollups_NodeId_Resolution_BucketStart" ON "NodeMetricRollups" ("NodeId", "Resolution", "BucketStart");

CREATE INDEX "IX_NodeMetricRollups_Resolution_BucketStart" ON "NodeMetricRollups" ("Resolution", "BucketStart");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261123094433_NodeMetricRollups', '10.0.15');

COMMIT;
