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
