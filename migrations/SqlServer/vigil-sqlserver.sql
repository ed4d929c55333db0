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
