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
    WHERE [MigrationId] = N'20261123094445_NodeMetricRollups'
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
    WHERE [MigrationId] = N'20261123094445_NodeMetricRollups'
)
BEGIN
    CREATE INDEX [IX_NodeMetricRollups_NodeId_Resolution_BucketStart] ON [NodeMetricRollups] ([NodeId], [Resolution], [BucketStart]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123094445_NodeMetricRollups'
)
BEGIN
    CREATE INDEX [IX_NodeMetricRollups_Resolution_BucketStart] ON [NodeMetricRollups] ([Resolution], [BucketStart]);
END;

IF NOT EXISTS (
    SELECT * FROM [__EFMigrationsHistory]
    WHERE [MigrationId] = N'20261123094445_NodeMetricRollups'
)
BEGIN
    INSERT INTO [__EFMigrationsHistory] ([MigrationId], [ProductVersion])
    VALUES (N'20261123094445_NodeMetricRollups', N'10.0.15');
END;

COMMIT;
GO
