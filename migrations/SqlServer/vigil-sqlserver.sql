IF OBJECT_ID(N'[__EFMigrationsHistory]') IS NULL
BEGIN
    CREATE TABLE [__EFMigrationsHistory] (
        [MigrationId] nvarchar(150) NOT NULL,
        [ProductVersion] nvarchar(32) NOT NULL,
        CONSTRAINT [PK___EFMigrationsHistory] PRIMARY KEY ([MigrationId])
    );
END;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123015128_InitialNodes'
)
BEGIN
    CREATE TABLE [Nodes] (
        [Id] uniqueidentifier NOT NULL,
        [Name] nvarchar(253) NOT NULL,
        [AgentVersion] nvarchar(64) NOT NULL,
        [OperatingSystem] nvarchar(256) NOT NULL,
        [ProcessorCount] int NOT NULL,
        [HeartbeatIntervalMs] int NOT NULL,
        [Labels] nvarchar(max) NOT NULL,
        [Liveness] nvarchar(16) NOT NULL,
        [FirstSeenAt] datetimeoffset NOT NULL,
        [LastSeenAt] datetimeoffset NOT NULL,
        [LivenessChangedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_Nodes] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123015128_InitialNodes'
)
BEGIN
    CREATE TABLE [NodeLivenessChanges] (
        [Id] bigint NOT NULL IDENTITY,
        [NodeId] uniqueidentifier NOT NULL,
        [From] nvarchar(16) NOT NULL,
        [To] nvarchar(16) NOT NULL,
        [At] datetimeoffset NOT NULL,
        [Reason] nvarchar(512) NOT NULL,
        CONSTRAINT [PK_NodeLivenessChanges] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_NodeLivenessChanges_Nodes_NodeId] FOREIGN KEY ([NodeId]) REFERENCES [Nodes] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123015128_InitialNodes'
)
BEGIN
    CREATE INDEX [IX_NodeLivenessChanges_NodeId_At] ON [NodeLivenessChanges] ([NodeId], [At]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123015128_InitialNodes'
)
BEGIN
    CREATE INDEX [IX_Nodes_Name] ON [Nodes] ([Name]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123015128_InitialNodes'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261123015128_InitialNodes', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123035905_EventsAndDesiredConfigurations'
)
BEGIN
    CREATE TABLE [DesiredNodeConfigurations] (
        [NodeId] uniqueidentifier NOT NULL,
        [Version] bigint NOT NULL,
        [ServicesJson] nvarchar(max) NOT NULL,
        [UpdatedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_DesiredNodeConfigurations] PRIMARY KEY ([NodeId]),
        CONSTRAINT [FK_DesiredNodeConfigurations_Nodes_NodeId] FOREIGN KEY ([NodeId]) REFERENCES [Nodes] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123035905_EventsAndDesiredConfigurations'
)
BEGIN
    CREATE TABLE [Events] (
        [Id] bigint NOT NULL IDENTITY,
        [NodeId] uniqueidentifier NOT NULL,
        [Sequence] bigint NOT NULL,
        [OccurredAt] datetimeoffset NOT NULL,
        [ReceivedAt] datetimeoffset NOT NULL,
        [Kind] nvarchar(32) NOT NULL,
        [Service] nvarchar(64) NULL,
        [Message] nvarchar(2048) NOT NULL,
        [ExitCode] int NULL,
        CONSTRAINT [PK_Events] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_Events_Nodes_NodeId] FOREIGN KEY ([NodeId]) REFERENCES [Nodes] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123035905_EventsAndDesiredConfigurations'
)
BEGIN
    CREATE UNIQUE INDEX [IX_Events_NodeId_Sequence] ON [Events] ([NodeId], [Sequence]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123035905_EventsAndDesiredConfigurations'
)
BEGIN
    CREATE INDEX [IX_Events_ReceivedAt] ON [Events] ([ReceivedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123035905_EventsAndDesiredConfigurations'
)
BEGIN
    CREATE INDEX [IX_Events_Service_ReceivedAt] ON [Events] ([Service], [ReceivedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123035905_EventsAndDesiredConfigurations'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261123035905_EventsAndDesiredConfigurations', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123065904_CommandsAndFailoverGroups'
)
BEGIN
    CREATE TABLE [Commands] (
        [Id] uniqueidentifier NOT NULL,
        [NodeId] uniqueidentifier NOT NULL,
        [Service] nvarchar(64) NOT NULL,
        [Kind] nvarchar(16) NOT NULL,
        [State] nvarchar(16) NOT NULL,
        [Origin] nvarchar(16) NOT NULL,
        [IdempotencyKey] nvarchar(128) NULL,
        [RequestFingerprint] nvarchar(512) NULL,
        [GroupId] uniqueidentifier NULL,
        [Epoch] bigint NULL,
        [Role] nvarchar(1024) NULL,
        [TimeoutMs] int NOT NULL,
        [Attempts] int NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [ExpiresAt] datetimeoffset NOT NULL,
        [SentAt] datetimeoffset NULL,
        [AnswerDueAt] datetimeoffset NULL,
        [CompletedAt] datetimeoffset NULL,
        [Message] nvarchar(2048) NULL,
        CONSTRAINT [PK_Commands] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_Commands_Nodes_NodeId] FOREIGN KEY ([NodeId]) REFERENCES [Nodes] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123065904_CommandsAndFailoverGroups'
)
BEGIN
    CREATE TABLE [FailoverGroups] (
        [Id] uniqueidentifier NOT NULL,
        [Name] nvarchar(64) NOT NULL,
        [Description] nvarchar(512) NULL,
        [Isolation] nvarchar(16) NOT NULL,
        [Failback] nvarchar(16) NOT NULL,
        [FailbackAfterSeconds] int NOT NULL,
        [FailbackWindowStartHour] int NULL,
        [FailbackWindowEndHour] int NULL,
        [CooldownSeconds] int NOT NULL,
        [MaxFailovers] int NOT NULL,
        [MaxFailoversPeriodSeconds] int NOT NULL,
        [RtoObjectiveSeconds] int NOT NULL,
        [DrillSchedule] nvarchar(128) NULL,
        [DrillKind] nvarchar(16) NOT NULL,
        [Epoch] bigint NOT NULL,
        [ActiveMemberId] uniqueidentifier NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [UpdatedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_FailoverGroups] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123065904_CommandsAndFailoverGroups'
)
BEGIN
    CREATE TABLE [Drills] (
        [Id] uniqueidentifier NOT NULL,
        [GroupId] uniqueidentifier NOT NULL,
        [Kind] nvarchar(16) NOT NULL,
        [Trigger] nvarchar(16) NOT NULL,
        [StartedAt] datetimeoffset NOT NULL,
        [FinishedAt] datetimeoffset NULL,
        [DetectionMs] bigint NULL,
        [RtoMs] bigint NULL,
        [RtoObjectiveSeconds] int NOT NULL,
        [Overlap] bit NOT NULL,
        [Outcome] nvarchar(16) NOT NULL,
        [Message] nvarchar(1024) NULL,
        CONSTRAINT [PK_Drills] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_Drills_FailoverGroups_GroupId] FOREIGN KEY ([GroupId]) REFERENCES [FailoverGroups] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123065904_CommandsAndFailoverGroups'
)
BEGIN
    CREATE TABLE [FailoverGroupMembers] (
        [Id] uniqueidentifier NOT NULL,
        [GroupId] uniqueidentifier NOT NULL,
        [NodeId] uniqueidentifier NOT NULL,
        [Service] nvarchar(64) NOT NULL,
        [Priority] int NOT NULL,
        CONSTRAINT [PK_FailoverGroupMembers] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_FailoverGroupMembers_FailoverGroups_GroupId] FOREIGN KEY ([GroupId]) REFERENCES [FailoverGroups] ([Id]) ON DELETE CASCADE,
        CONSTRAINT [FK_FailoverGroupMembers_Nodes_NodeId] FOREIGN KEY ([NodeId]) REFERENCES [Nodes] ([Id]) ON DELETE NO ACTION
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123065904_CommandsAndFailoverGroups'
)
BEGIN
    CREATE TABLE [FailoverHistory] (
        [Id] bigint NOT NULL IDENTITY,
        [GroupId] uniqueidentifier NOT NULL,
        [Kind] nvarchar(16) NOT NULL,
        [FromNodeId] uniqueidentifier NULL,
        [ToNodeId] uniqueidentifier NOT NULL,
        [Service] nvarchar(64) NOT NULL,
        [Epoch] bigint NOT NULL,
        [Reason] nvarchar(512) NOT NULL,
        [DetectedAt] datetimeoffset NOT NULL,
        [DecidedAt] datetimeoffset NOT NULL,
        [CommandedAt] datetimeoffset NULL,
        [ConfirmedAt] datetimeoffset NULL,
        [RtoMs] bigint NULL,
        [Outcome] nvarchar(16) NOT NULL,
        [Overlap] bit NOT NULL,
        [DrillId] uniqueidentifier NULL,
        CONSTRAINT [PK_FailoverHistory] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_FailoverHistory_FailoverGroups_GroupId] FOREIGN KEY ([GroupId]) REFERENCES [FailoverGroups] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123065904_CommandsAndFailoverGroups'
)
BEGIN
    CREATE INDEX [IX_Commands_CreatedAt] ON [Commands] ([CreatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123065904_CommandsAndFailoverGroups'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [IX_Commands_IdempotencyKey] ON [Commands] ([IdempotencyKey]) WHERE [IdempotencyKey] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123065904_CommandsAndFailoverGroups'
)
BEGIN
    CREATE INDEX [IX_Commands_NodeId] ON [Commands] ([NodeId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123065904_CommandsAndFailoverGroups'
)
BEGIN
    CREATE INDEX [IX_Commands_State_NodeId] ON [Commands] ([State], [NodeId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123065904_CommandsAndFailoverGroups'
)
BEGIN
    CREATE INDEX [IX_Drills_GroupId_StartedAt] ON [Drills] ([GroupId], [StartedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123065904_CommandsAndFailoverGroups'
)
BEGIN
    CREATE INDEX [IX_FailoverGroupMembers_GroupId] ON [FailoverGroupMembers] ([GroupId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123065904_CommandsAndFailoverGroups'
)
BEGIN
    CREATE UNIQUE INDEX [IX_FailoverGroupMembers_NodeId_Service] ON [FailoverGroupMembers] ([NodeId], [Service]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123065904_CommandsAndFailoverGroups'
)
BEGIN
    CREATE UNIQUE INDEX [IX_FailoverGroups_Name] ON [FailoverGroups] ([Name]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123065904_CommandsAndFailoverGroups'
)
BEGIN
    CREATE INDEX [IX_FailoverHistory_GroupId_Id] ON [FailoverHistory] ([GroupId], [Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123065904_CommandsAndFailoverGroups'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261123065904_CommandsAndFailoverGroups', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123094553_UsersKeysAgentsAudit'
)
BEGIN
    CREATE TABLE [Agents] (
        [Id] uniqueidentifier NOT NULL,
        [NodeId] uniqueidentifier NOT NULL,
        [HostName] nvarchar(255) NOT NULL,
        [SecretHash] varbinary(32) NOT NULL,
        [EnrollmentTokenId] uniqueidentifier NULL,
        [EnrolledAt] datetimeoffset NOT NULL,
        [EnrolledFrom] nvarchar(64) NULL,
        [State] nvarchar(16) NOT NULL,
        [ApprovedAt] datetimeoffset NULL,
        [ApprovedBy] nvarchar(256) NULL,
        [RevokedAt] datetimeoffset NULL,
        [RevokedBy] nvarchar(256) NULL,
        [LastConnectedAt] datetimeoffset NULL,
        CONSTRAINT [PK_Agents] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123094553_UsersKeysAgentsAudit'
)
BEGIN
    CREATE TABLE [ApiKeys] (
        [Id] uniqueidentifier NOT NULL,
        [Name] nvarchar(100) NOT NULL,
        [Role] nvarchar(16) NOT NULL,
        [SecretHash] varbinary(32) NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [CreatedBy] nvarchar(256) NOT NULL,
        [ExpiresAt] datetimeoffset NULL,
        [LastUsedAt] datetimeoffset NULL,
        [RevokedAt] datetimeoffset NULL,
        CONSTRAINT [PK_ApiKeys] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123094553_UsersKeysAgentsAudit'
)
BEGIN
    CREATE TABLE [AspNetRoles] (
        [Id] nvarchar(450) NOT NULL,
        [Name] nvarchar(256) NULL,
        [NormalizedName] nvarchar(256) NULL,
        [ConcurrencyStamp] nvarchar(max) NULL,
        CONSTRAINT [PK_AspNetRoles] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123094553_UsersKeysAgentsAudit'
)
BEGIN
    CREATE TABLE [AspNetUsers] (
        [Id] nvarchar(450) NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [MustChangePassword] bit NOT NULL,
        [LastSignInAt] datetimeoffset NULL,
        [UserName] nvarchar(256) NULL,
        [NormalizedUserName] nvarchar(256) NULL,
        [Email] nvarchar(256) NULL,
        [NormalizedEmail] nvarchar(256) NULL,
        [EmailConfirmed] bit NOT NULL,
        [PasswordHash] nvarchar(max) NULL,
        [SecurityStamp] nvarchar(max) NULL,
        [ConcurrencyStamp] nvarchar(max) NULL,
        [PhoneNumber] nvarchar(max) NULL,
        [PhoneNumberConfirmed] bit NOT NULL,
        [TwoFactorEnabled] bit NOT NULL,
        [LockoutEnd] datetimeoffset NULL,
        [LockoutEnabled] bit NOT NULL,
        [AccessFailedCount] int NOT NULL,
        CONSTRAINT [PK_AspNetUsers] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123094553_UsersKeysAgentsAudit'
)
BEGIN
    CREATE TABLE [AuditLog] (
        [Id] bigint NOT NULL IDENTITY,
        [At] datetimeoffset NOT NULL,
        [Actor] nvarchar(256) NOT NULL,
        [Action] nvarchar(64) NOT NULL,
        [Target] nvarchar(256) NULL,
        [SourceAddress] nvarchar(64) NULL,
        [Outcome] nvarchar(16) NOT NULL,
        [Detail] nvarchar(1024) NULL,
        CONSTRAINT [PK_AuditLog] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123094553_UsersKeysAgentsAudit'
)
BEGIN
    CREATE TABLE [EnrollmentTokens] (
        [Id] uniqueidentifier NOT NULL,
        [Name] nvarchar(100) NOT NULL,
        [SecretHash] varbinary(32) NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [CreatedBy] nvarchar(256) NOT NULL,
        [ExpiresAt] datetimeoffset NOT NULL,
        [MaxUses] int NOT NULL,
        [Uses] int NOT NULL,
        [RequiresApproval] bit NOT NULL,
        [RevokedAt] datetimeoffset NULL,
        CONSTRAINT [PK_EnrollmentTokens] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123094553_UsersKeysAgentsAudit'
)
BEGIN
    CREATE TABLE [AspNetRoleClaims] (
        [Id] int NOT NULL IDENTITY,
        [RoleId] nvarchar(450) NOT NULL,
        [ClaimType] nvarchar(max) NULL,
        [ClaimValue] nvarchar(max) NULL,
        CONSTRAINT [PK_AspNetRoleClaims] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_AspNetRoleClaims_AspNetRoles_RoleId] FOREIGN KEY ([RoleId]) REFERENCES [AspNetRoles] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123094553_UsersKeysAgentsAudit'
)
BEGIN
    CREATE TABLE [AspNetUserClaims] (
        [Id] int NOT NULL IDENTITY,
        [UserId] nvarchar(450) NOT NULL,
        [ClaimType] nvarchar(max) NULL,
        [ClaimValue] nvarchar(max) NULL,
        CONSTRAINT [PK_AspNetUserClaims] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_AspNetUserClaims_AspNetUsers_UserId] FOREIGN KEY ([UserId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123094553_UsersKeysAgentsAudit'
)
BEGIN
    CREATE TABLE [AspNetUserLogins] (
        [LoginProvider] nvarchar(450) NOT NULL,
        [ProviderKey] nvarchar(450) NOT NULL,
        [ProviderDisplayName] nvarchar(max) NULL,
        [UserId] nvarchar(450) NOT NULL,
        CONSTRAINT [PK_AspNetUserLogins] PRIMARY KEY ([LoginProvider], [ProviderKey]),
        CONSTRAINT [FK_AspNetUserLogins_AspNetUsers_UserId] FOREIGN KEY ([UserId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123094553_UsersKeysAgentsAudit'
)
BEGIN
    CREATE TABLE [AspNetUserRoles] (
        [UserId] nvarchar(450) NOT NULL,
        [RoleId] nvarchar(450) NOT NULL,
        CONSTRAINT [PK_AspNetUserRoles] PRIMARY KEY ([UserId], [RoleId]),
        CONSTRAINT [FK_AspNetUserRoles_AspNetRoles_RoleId] FOREIGN KEY ([RoleId]) REFERENCES [AspNetRoles] ([Id]) ON DELETE CASCADE,
        CONSTRAINT [FK_AspNetUserRoles_AspNetUsers_UserId] FOREIGN KEY ([UserId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123094553_UsersKeysAgentsAudit'
)
BEGIN
    CREATE TABLE [AspNetUserTokens] (
        [UserId] nvarchar(450) NOT NULL,
        [LoginProvider] nvarchar(450) NOT NULL,
        [Name] nvarchar(450) NOT NULL,
        [Value] nvarchar(max) NULL,
        CONSTRAINT [PK_AspNetUserTokens] PRIMARY KEY ([UserId], [LoginProvider], [Name]),
        CONSTRAINT [FK_AspNetUserTokens_AspNetUsers_UserId] FOREIGN KEY ([UserId]) REFERENCES [AspNetUsers] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123094553_UsersKeysAgentsAudit'
)
BEGIN
    CREATE INDEX [IX_Agents_NodeId] ON [Agents] ([NodeId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123094553_UsersKeysAgentsAudit'
)
BEGIN
    CREATE UNIQUE INDEX [IX_Agents_SecretHash] ON [Agents] ([SecretHash]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123094553_UsersKeysAgentsAudit'
)
BEGIN
    CREATE INDEX [IX_ApiKeys_Name] ON [ApiKeys] ([Name]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123094553_UsersKeysAgentsAudit'
)
BEGIN
    CREATE UNIQUE INDEX [IX_ApiKeys_SecretHash] ON [ApiKeys] ([SecretHash]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123094553_UsersKeysAgentsAudit'
)
BEGIN
    CREATE INDEX [IX_AspNetRoleClaims_RoleId] ON [AspNetRoleClaims] ([RoleId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123094553_UsersKeysAgentsAudit'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [RoleNameIndex] ON [AspNetRoles] ([NormalizedName]) WHERE [NormalizedName] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123094553_UsersKeysAgentsAudit'
)
BEGIN
    CREATE INDEX [IX_AspNetUserClaims_UserId] ON [AspNetUserClaims] ([UserId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123094553_UsersKeysAgentsAudit'
)
BEGIN
    CREATE INDEX [IX_AspNetUserLogins_UserId] ON [AspNetUserLogins] ([UserId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123094553_UsersKeysAgentsAudit'
)
BEGIN
    CREATE INDEX [IX_AspNetUserRoles_RoleId] ON [AspNetUserRoles] ([RoleId]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123094553_UsersKeysAgentsAudit'
)
BEGIN
    CREATE INDEX [EmailIndex] ON [AspNetUsers] ([NormalizedEmail]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123094553_UsersKeysAgentsAudit'
)
BEGIN
    EXEC(N'CREATE UNIQUE INDEX [UserNameIndex] ON [AspNetUsers] ([NormalizedUserName]) WHERE [NormalizedUserName] IS NOT NULL');
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123094553_UsersKeysAgentsAudit'
)
BEGIN
    CREATE INDEX [IX_AuditLog_Action_At] ON [AuditLog] ([Action], [At]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123094553_UsersKeysAgentsAudit'
)
BEGIN
    CREATE INDEX [IX_AuditLog_Actor_At] ON [AuditLog] ([Actor], [At]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123094553_UsersKeysAgentsAudit'
)
BEGIN
    CREATE INDEX [IX_AuditLog_At] ON [AuditLog] ([At]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123094553_UsersKeysAgentsAudit'
)
BEGIN
    CREATE UNIQUE INDEX [IX_EnrollmentTokens_SecretHash] ON [EnrollmentTokens] ([SecretHash]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123094553_UsersKeysAgentsAudit'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261123094553_UsersKeysAgentsAudit', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123103905_NodeMetricRollups'
)
BEGIN
    CREATE TABLE [NodeMetricRollups] (
        [Id] bigint NOT NULL IDENTITY,
        [NodeId] uniqueidentifier NOT NULL,
        [Resolution] nvarchar(8) NOT NULL,
        [BucketStart] datetimeoffset NOT NULL,
        [CpuAverage] float NOT NULL,
        [CpuMax] float NOT NULL,
        [MemoryUsedAverage] bigint NOT NULL,
        [MemoryTotal] bigint NOT NULL,
        [SampleCount] int NOT NULL,
        CONSTRAINT [PK_NodeMetricRollups] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123103905_NodeMetricRollups'
)
BEGIN
    CREATE INDEX [IX_NodeMetricRollups_NodeId_Resolution_BucketStart] ON [NodeMetricRollups] ([NodeId], [Resolution], [BucketStart]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123103905_NodeMetricRollups'
)
BEGIN
    CREATE INDEX [IX_NodeMetricRollups_Resolution_BucketStart] ON [NodeMetricRollups] ([Resolution], [BucketStart]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123103905_NodeMetricRollups'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261123103905_NodeMetricRollups', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206183630_GroupTerms'
)
BEGIN
    ALTER TABLE [FailoverGroups] ADD [ActiveTermsVersion] bigint NOT NULL DEFAULT CAST(0 AS bigint);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206183630_GroupTerms'
)
BEGIN
    ALTER TABLE [FailoverGroups] ADD [StopSinceTermsVersion] bigint NOT NULL DEFAULT CAST(0 AS bigint);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206183630_GroupTerms'
)
BEGIN
    ALTER TABLE [FailoverGroups] ADD [TermsVersion] bigint NOT NULL DEFAULT CAST(0 AS bigint);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206183630_GroupTerms'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261206183630_GroupTerms', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206192002_AddAlerts'
)
BEGIN
    CREATE TABLE [AlertChannels] (
        [Id] uniqueidentifier NOT NULL,
        [Name] nvarchar(128) NOT NULL,
        [Kind] nvarchar(16) NOT NULL,
        [Settings] nvarchar(max) NOT NULL,
        [ProtectedSecrets] nvarchar(max) NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [UpdatedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_AlertChannels] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206192002_AddAlerts'
)
BEGIN
    CREATE TABLE [AlertRules] (
        [Id] uniqueidentifier NOT NULL,
        [Name] nvarchar(128) NOT NULL,
        [Enabled] bit NOT NULL,
        [Definition] nvarchar(max) NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [UpdatedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_AlertRules] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206192002_AddAlerts'
)
BEGIN
    CREATE TABLE [Alerts] (
        [Id] uniqueidentifier NOT NULL,
        [RuleId] uniqueidentifier NOT NULL,
        [TargetKey] nvarchar(400) NOT NULL,
        [Status] nvarchar(16) NOT NULL,
        [Severity] nvarchar(16) NOT NULL,
        [Condition] nvarchar(32) NOT NULL,
        [Summary] nvarchar(2000) NOT NULL,
        [FiredAt] datetimeoffset NOT NULL,
        [ResolvedAt] datetimeoffset NULL,
        [AcknowledgedBy] nvarchar(128) NULL,
        [Document] nvarchar(max) NOT NULL,
        CONSTRAINT [PK_Alerts] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206192002_AddAlerts'
)
BEGIN
    CREATE TABLE [AlertSilences] (
        [Id] uniqueidentifier NOT NULL,
        [Matchers] nvarchar(max) NOT NULL,
        [StartsAt] datetimeoffset NOT NULL,
        [ExpiresAt] datetimeoffset NOT NULL,
        [CreatedBy] nvarchar(128) NOT NULL,
        [Reason] nvarchar(2000) NOT NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        CONSTRAINT [PK_AlertSilences] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206192002_AddAlerts'
)
BEGIN
    CREATE TABLE [AlertDeliveries] (
        [Id] uniqueidentifier NOT NULL,
        [AlertId] uniqueidentifier NOT NULL,
        [ChannelId] uniqueidentifier NOT NULL,
        [Notification] nvarchar(16) NOT NULL,
        [Alert] nvarchar(max) NOT NULL,
        [State] nvarchar(16) NOT NULL,
        [Attempts] int NOT NULL,
        [LastError] nvarchar(2000) NULL,
        [CreatedAt] datetimeoffset NOT NULL,
        [LastAttemptAt] datetimeoffset NULL,
        [DeliveredAt] datetimeoffset NULL,
        CONSTRAINT [PK_AlertDeliveries] PRIMARY KEY ([Id]),
        CONSTRAINT [FK_AlertDeliveries_Alerts_AlertId] FOREIGN KEY ([AlertId]) REFERENCES [Alerts] ([Id]) ON DELETE CASCADE
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206192002_AddAlerts'
)
BEGIN
    CREATE UNIQUE INDEX [IX_AlertChannels_Name] ON [AlertChannels] ([Name]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206192002_AddAlerts'
)
BEGIN
    CREATE INDEX [IX_AlertDeliveries_AlertId_CreatedAt] ON [AlertDeliveries] ([AlertId], [CreatedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206192002_AddAlerts'
)
BEGIN
    CREATE UNIQUE INDEX [IX_AlertRules_Name] ON [AlertRules] ([Name]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206192002_AddAlerts'
)
BEGIN
    CREATE INDEX [IX_Alerts_RuleId_TargetKey] ON [Alerts] ([RuleId], [TargetKey]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206192002_AddAlerts'
)
BEGIN
    CREATE INDEX [IX_Alerts_Status_FiredAt] ON [Alerts] ([Status], [FiredAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206192002_AddAlerts'
)
BEGIN
    CREATE INDEX [IX_AlertSilences_ExpiresAt] ON [AlertSilences] ([ExpiresAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206192002_AddAlerts'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261206192002_AddAlerts', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206203130_AddAlertDeliveryRetries'
)
BEGIN
    ALTER TABLE [AlertDeliveries] ADD [NextAttemptAt] datetimeoffset NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206203130_AddAlertDeliveryRetries'
)
BEGIN
    CREATE INDEX [IX_AlertDeliveries_State_NextAttemptAt] ON [AlertDeliveries] ([State], [NextAttemptAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206203130_AddAlertDeliveryRetries'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261206203130_AddAlertDeliveryRetries', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206210153_AddDeciderLease'
)
BEGIN
    CREATE TABLE [DeciderLeases] (
        [Name] nvarchar(64) NOT NULL,
        [HolderId] uniqueidentifier NOT NULL,
        [HolderName] nvarchar(256) NOT NULL,
        [ExpiresAt] datetimeoffset NOT NULL,
        [Token] bigint NOT NULL,
        CONSTRAINT [PK_DeciderLeases] PRIMARY KEY ([Name])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206210153_AddDeciderLease'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261206210153_AddDeciderLease', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206210945_HandoverLease'
)
BEGIN
    ALTER TABLE [FailoverGroups] ADD [HandoverLeaseUntil] datetimeoffset NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206210945_HandoverLease'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261206210945_HandoverLease', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206235658_NodeMaintenance'
)
BEGIN
    ALTER TABLE [Nodes] ADD [MaintenanceBy] nvarchar(256) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206235658_NodeMaintenance'
)
BEGIN
    ALTER TABLE [Nodes] ADD [MaintenanceReason] nvarchar(512) NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206235658_NodeMaintenance'
)
BEGIN
    ALTER TABLE [Nodes] ADD [MaintenanceSince] datetimeoffset NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206235658_NodeMaintenance'
)
BEGIN
    ALTER TABLE [Nodes] ADD [MaintenanceUntil] datetimeoffset NULL;
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261206235658_NodeMaintenance'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261206235658_NodeMaintenance', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261207043645_SharedDataProtectionKeys'
)
BEGIN
    CREATE TABLE [DataProtectionKeys] (
        [Id] int NOT NULL IDENTITY,
        [FriendlyName] nvarchar(max) NULL,
        [Xml] nvarchar(max) NULL,
        CONSTRAINT [PK_DataProtectionKeys] PRIMARY KEY ([Id])
    );
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261207043645_SharedDataProtectionKeys'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261207043645_SharedDataProtectionKeys', N'10.0.15');
END;

COMMIT;
GO

BEGIN TRANSACTION;
IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261207144531_ListIndexes'
)
BEGIN
    CREATE INDEX [IX_Events_Kind_ReceivedAt] ON [Events] ([Kind], [ReceivedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261207144531_ListIndexes'
)
BEGIN
    CREATE INDEX [IX_Events_Service_Kind_ReceivedAt] ON [Events] ([Service], [Kind], [ReceivedAt]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261207144531_ListIndexes'
)
BEGIN
    CREATE INDEX [IX_Alerts_FiredAt_Id] ON [Alerts] ([FiredAt], [Id]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261207144531_ListIndexes'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261207144531_ListIndexes', N'10.0.15');
END;

COMMIT;
GO
