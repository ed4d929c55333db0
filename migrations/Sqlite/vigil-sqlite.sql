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
CREATE TABLE "Agents" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Agents" PRIMARY KEY,
    "NodeId" TEXT NOT NULL,
    "HostName" TEXT NOT NULL,
    "SecretHash" BLOB NOT NULL,
    "EnrollmentTokenId" TEXT NULL,
    "EnrolledAt" INTEGER NOT NULL,
    "EnrolledFrom" TEXT NULL,
    "State" TEXT NOT NULL,
    "ApprovedAt" INTEGER NULL,
    "ApprovedBy" TEXT NULL,
    "RevokedAt" INTEGER NULL,
    "RevokedBy" TEXT NULL,
    "LastConnectedAt" INTEGER NULL
);

CREATE TABLE "ApiKeys" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_ApiKeys" PRIMARY KEY,
    "Name" TEXT NOT NULL,
    "Role" TEXT NOT NULL,
    "SecretHash" BLOB NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "CreatedBy" TEXT NOT NULL,
    "ExpiresAt" INTEGER NULL,
    "LastUsedAt" INTEGER NULL,
    "RevokedAt" INTEGER NULL
);

CREATE TABLE "AspNetRoles" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_AspNetRoles" PRIMARY KEY,
    "Name" TEXT NULL,
    "NormalizedName" TEXT NULL,
    "ConcurrencyStamp" TEXT NULL
);

CREATE TABLE "AspNetUsers" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_AspNetUsers" PRIMARY KEY,
    "CreatedAt" INTEGER NOT NULL,
    "MustChangePassword" INTEGER NOT NULL,
    "LastSignInAt" INTEGER NULL,
    "UserName" TEXT NULL,
    "NormalizedUserName" TEXT NULL,
    "Email" TEXT NULL,
    "NormalizedEmail" TEXT NULL,
    "EmailConfirmed" INTEGER NOT NULL,
    "PasswordHash" TEXT NULL,
    "SecurityStamp" TEXT NULL,
    "ConcurrencyStamp" TEXT NULL,
    "PhoneNumber" TEXT NULL,
    "PhoneNumberConfirmed" INTEGER NOT NULL,
    "TwoFactorEnabled" INTEGER NOT NULL,
    "LockoutEnd" INTEGER NULL,
    "LockoutEnabled" INTEGER NOT NULL,
    "AccessFailedCount" INTEGER NOT NULL
);

CREATE TABLE "AuditLog" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_AuditLog" PRIMARY KEY AUTOINCREMENT,
    "At" INTEGER NOT NULL,
    "Actor" TEXT NOT NULL,
    "Action" TEXT NOT NULL,
    "Target" TEXT NULL,
    "SourceAddress" TEXT NULL,
    "Outcome" TEXT NOT NULL,
    "Detail" TEXT NULL
);

CREATE TABLE "EnrollmentTokens" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_EnrollmentTokens" PRIMARY KEY,
    "Name" TEXT NOT NULL,
    "SecretHash" BLOB NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "CreatedBy" TEXT NOT NULL,
    "ExpiresAt" INTEGER NOT NULL,
    "MaxUses" INTEGER NOT NULL,
    "Uses" INTEGER NOT NULL,
    "RequiresApproval" INTEGER NOT NULL,
    "RevokedAt" INTEGER NULL
);

CREATE TABLE "AspNetRoleClaims" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_AspNetRoleClaims" PRIMARY KEY AUTOINCREMENT,
    "RoleId" TEXT NOT NULL,
    "ClaimType" TEXT NULL,
    "ClaimValue" TEXT NULL,
    CONSTRAINT "FK_AspNetRoleClaims_AspNetRoles_RoleId" FOREIGN KEY ("RoleId") REFERENCES "AspNetRoles" ("Id") ON DELETE CASCADE
);

CREATE TABLE "AspNetUserClaims" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_AspNetUserClaims" PRIMARY KEY AUTOINCREMENT,
    "UserId" TEXT NOT NULL,
    "ClaimType" TEXT NULL,
    "ClaimValue" TEXT NULL,
    CONSTRAINT "FK_AspNetUserClaims_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
);

CREATE TABLE "AspNetUserLogins" (
    "LoginProvider" TEXT NOT NULL,
    "ProviderKey" TEXT NOT NULL,
    "ProviderDisplayName" TEXT NULL,
    "UserId" TEXT NOT NULL,
    CONSTRAINT "PK_AspNetUserLogins" PRIMARY KEY ("LoginProvider", "ProviderKey"),
    CONSTRAINT "FK_AspNetUserLogins_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
);

CREATE TABLE "AspNetUserRoles" (
    "UserId" TEXT NOT NULL,
    "RoleId" TEXT NOT NULL,
    CONSTRAINT "PK_AspNetUserRoles" PRIMARY KEY ("UserId", "RoleId"),
    CONSTRAINT "FK_AspNetUserRoles_AspNetRoles_RoleId" FOREIGN KEY ("RoleId") REFERENCES "AspNetRoles" ("Id") ON DELETE CASCADE,
    CONSTRAINT "FK_AspNetUserRoles_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
);

CREATE TABLE "AspNetUserTokens" (
    "UserId" TEXT NOT NULL,
    "LoginProvider" TEXT NOT NULL,
    "Name" TEXT NOT NULL,
    "Value" TEXT NULL,
    CONSTRAINT "PK_AspNetUserTokens" PRIMARY KEY ("UserId", "LoginProvider", "Name"),
    CONSTRAINT "FK_AspNetUserTokens_AspNetUsers_UserId" FOREIGN KEY ("UserId") REFERENCES "AspNetUsers" ("Id") ON DELETE CASCADE
);

CREATE INDEX "IX_Agents_NodeId" ON "Agents" ("NodeId");

CREATE UNIQUE INDEX "IX_Agents_SecretHash" ON "Agents" ("SecretHash");

CREATE INDEX "IX_ApiKeys_Name" ON "ApiKeys" ("Name");

CREATE UNIQUE INDEX "IX_ApiKeys_SecretHash" ON "ApiKeys" ("SecretHash");

CREATE INDEX "IX_AspNetRoleClaims_RoleId" ON "AspNetRoleClaims" ("RoleId");

CREATE UNIQUE INDEX "RoleNameIndex" ON "AspNetRoles" ("NormalizedName");

CREATE INDEX "IX_AspNetUserClaims_UserId" ON "AspNetUserClaims" ("UserId");

CREATE INDEX "IX_AspNetUserLogins_UserId" ON "AspNetUserLogins" ("UserId");

CREATE INDEX "IX_AspNetUserRoles_RoleId" ON "AspNetUserRoles" ("RoleId");

CREATE INDEX "EmailIndex" ON "AspNetUsers" ("NormalizedEmail");

CREATE UNIQUE INDEX "UserNameIndex" ON "AspNetUsers" ("NormalizedUserName");

CREATE INDEX "IX_AuditLog_Action_At" ON "AuditLog" ("Action", "At");

CREATE INDEX "IX_AuditLog_Actor_At" ON "AuditLog" ("Actor", "At");

CREATE INDEX "IX_AuditLog_At" ON "AuditLog" ("At");

CREATE UNIQUE INDEX "IX_EnrollmentTokens_SecretHash" ON "EnrollmentTokens" ("SecretHash");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261123094405_UsersKeysAgentsAudit', '10.0.15');

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
VALUES ('20261123103858_NodeMetricRollups', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
ALTER TABLE "FailoverGroups" ADD "ActiveTermsVersion" INTEGER NOT NULL DEFAULT 0;

ALTER TABLE "FailoverGroups" ADD "StopSinceTermsVersion" INTEGER NOT NULL DEFAULT 0;

ALTER TABLE "FailoverGroups" ADD "TermsVersion" INTEGER NOT NULL DEFAULT 0;

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261206183616_GroupTerms', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
CREATE TABLE "AlertChannels" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_AlertChannels" PRIMARY KEY,
    "Name" TEXT NOT NULL,
    "Kind" TEXT NOT NULL,
    "Settings" TEXT NOT NULL,
    "ProtectedSecrets" TEXT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "UpdatedAt" INTEGER NOT NULL
);

CREATE TABLE "AlertRules" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_AlertRules" PRIMARY KEY,
    "Name" TEXT NOT NULL,
    "Enabled" INTEGER NOT NULL,
    "Definition" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "UpdatedAt" INTEGER NOT NULL
);

CREATE TABLE "Alerts" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_Alerts" PRIMARY KEY,
    "RuleId" TEXT NOT NULL,
    "TargetKey" TEXT NOT NULL,
    "Status" TEXT NOT NULL,
    "Severity" TEXT NOT NULL,
    "Condition" TEXT NOT NULL,
    "Summary" TEXT NOT NULL,
    "FiredAt" INTEGER NOT NULL,
    "ResolvedAt" INTEGER NULL,
    "AcknowledgedBy" TEXT NULL,
    "Document" TEXT NOT NULL
);

CREATE TABLE "AlertSilences" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_AlertSilences" PRIMARY KEY,
    "Matchers" TEXT NOT NULL,
    "StartsAt" INTEGER NOT NULL,
    "ExpiresAt" INTEGER NOT NULL,
    "CreatedBy" TEXT NOT NULL,
    "Reason" TEXT NOT NULL,
    "CreatedAt" INTEGER NOT NULL
);

CREATE TABLE "AlertDeliveries" (
    "Id" TEXT NOT NULL CONSTRAINT "PK_AlertDeliveries" PRIMARY KEY,
    "AlertId" TEXT NOT NULL,
    "ChannelId" TEXT NOT NULL,
    "Notification" TEXT NOT NULL,
    "Alert" TEXT NOT NULL,
    "State" TEXT NOT NULL,
    "Attempts" INTEGER NOT NULL,
    "LastError" TEXT NULL,
    "CreatedAt" INTEGER NOT NULL,
    "LastAttemptAt" INTEGER NULL,
    "DeliveredAt" INTEGER NULL,
    CONSTRAINT "FK_AlertDeliveries_Alerts_AlertId" FOREIGN KEY ("AlertId") REFERENCES "Alerts" ("Id") ON DELETE CASCADE
);

CREATE UNIQUE INDEX "IX_AlertChannels_Name" ON "AlertChannels" ("Name");

CREATE INDEX "IX_AlertDeliveries_AlertId_CreatedAt" ON "AlertDeliveries" ("AlertId", "CreatedAt");

CREATE UNIQUE INDEX "IX_AlertRules_Name" ON "AlertRules" ("Name");

CREATE INDEX "IX_Alerts_RuleId_TargetKey" ON "Alerts" ("RuleId", "TargetKey");

CREATE INDEX "IX_Alerts_Status_FiredAt" ON "Alerts" ("Status", "FiredAt");

CREATE INDEX "IX_AlertSilences_ExpiresAt" ON "AlertSilences" ("ExpiresAt");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261206191940_AddAlerts', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
ALTER TABLE "AlertDeliveries" ADD "NextAttemptAt" INTEGER NULL;

CREATE INDEX "IX_AlertDeliveries_State_NextAttemptAt" ON "AlertDeliveries" ("State", "NextAttemptAt");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261206203105_AddAlertDeliveryRetries', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
CREATE TABLE "DeciderLeases" (
    "Name" TEXT NOT NULL CONSTRAINT "PK_DeciderLeases" PRIMARY KEY,
    "HolderId" TEXT NOT NULL,
    "HolderName" TEXT NOT NULL,
    "ExpiresAt" INTEGER NOT NULL,
    "Token" INTEGER NOT NULL
);

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261206210018_AddDeciderLease', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
ALTER TABLE "FailoverGroups" ADD "HandoverLeaseUntil" INTEGER NULL;

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261206210855_HandoverLease', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
ALTER TABLE "Nodes" ADD "MaintenanceBy" TEXT NULL;

ALTER TABLE "Nodes" ADD "MaintenanceReason" TEXT NULL;

ALTER TABLE "Nodes" ADD "MaintenanceSince" INTEGER NULL;

ALTER TABLE "Nodes" ADD "MaintenanceUntil" INTEGER NULL;

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261206235615_NodeMaintenance', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
CREATE TABLE "DataProtectionKeys" (
    "Id" INTEGER NOT NULL CONSTRAINT "PK_DataProtectionKeys" PRIMARY KEY AUTOINCREMENT,
    "FriendlyName" TEXT NULL,
    "Xml" TEXT NULL
);

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261207043626_SharedDataProtectionKeys', '10.0.15');

COMMIT;

BEGIN TRANSACTION;
CREATE INDEX "IX_Events_Kind_ReceivedAt" ON "Events" ("Kind", "ReceivedAt");

CREATE INDEX "IX_Events_Service_Kind_ReceivedAt" ON "Events" ("Service", "Kind", "ReceivedAt");

CREATE INDEX "IX_Alerts_FiredAt_Id" ON "Alerts" ("FiredAt", "Id");

INSERT INTO "__EFMigrationsHistory" ("MigrationId", "ProductVersion")
VALUES ('20261207144449_ListIndexes', '10.0.15');

COMMIT;
