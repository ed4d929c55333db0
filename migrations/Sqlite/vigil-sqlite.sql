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
