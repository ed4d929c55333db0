#Requires -RunAsAdministrator
<#
.SYNOPSIS
    Installs (or upgrades) the Vigil control plane as a Windows service.

.DESCRIPTION
    From a win-x64 publish of the control plane:

        dotnet publish ControlPlane/Vigil.ControlPlane.csproj -c Release -r win-x64 --self-contained -o controlplane-win

    copies it to the install folder, creates the data folder, gives both folders owner-only
    permissions (SYSTEM and Administrators), registers the VigilControlPlane service (automatic start,
    restart on failure), its event log source, opens the TCP port in Windows Firewall, starts the
    service and waits until it answers /readyz. At the first start the first admin's one-time
    password is written to first-admin-password.txt in the data folder, which only SYSTEM and
    Administrators can read: sign in, choose a new password, delete the file.

    Run again with a newer publish to upgrade: the service is stopped, the files replaced, the service
    started; the data folder (database, keys, logs) is kept.

.EXAMPLE
    .\install-controlplane.ps1 -From .\controlplane-win -Port 5080
#>
[CmdletBinding()]
param(
    # The folder holding Vigil.ControlPlane.exe (a win-x64 publish); by default this script's folder.
    [string] $From = $PSScriptRoot,
    [string] $InstallFolder = (Join-Path $env:ProgramFiles 'Vigil\ControlPlane'),
    [string] $DataFolder = (Join-Path $env:ProgramData 'Vigil\ControlPlane'),
    [ValidateRange(1, 65535)]
    [int] $Port = 5080,
    # Leave Windows Firewall as it is (the port stays closed to other machines unless opened otherwise).
    [switch] $NoFirewallRule
)

$ErrorActionPreference = 'Stop'
$serviceName = 'VigilControlPlane'
$displayName = 'Vigil Control Plane'
$executable = Join-Path $InstallFolder 'Vigil.ControlPlane.exe'
$passwordFile = Join-Path $DataFolder 'first-admin-password.txt'

if (-not (Test-Path -LiteralPath (Join-Path $From 'Vigil.ControlPlane.exe'))) {
    throw "$From holds no Vigil.ControlPlane.exe: publish the control plane for win-x64 and pass its folder with -From."
}

function Set-OwnerOnlyAccess([string] $Folder) {
    # Protected from inheritance: full control for SYSTEM (the service) and Administrators, nobody else.
    $acl = New-Object System.Security.AccessControl.DirectorySecurity
    $acl.SetAccessRuleProtection($true, $false)
    foreach ($sid in 'S-1-5-18', 'S-1-5-32-544') {
        $identity = New-Object System.Security.Principal.SecurityIdentifier($sid)
        $rule = New-Object System.Security.AccessControl.FileSystemAccessRule(
            $identity, 'FullControl', 'ContainerInherit, ObjectInherit', 'None', 'Allow')
        $acl.AddAccessRule($rule)
    }
    Set-Acl -LiteralPath $Folder -AclObject $acl
}

function Invoke-Sc([string[]] $Arguments) {
    & sc.exe @Arguments | Out-Null
    if ($LASTEXITCODE -ne 0) {
        throw "sc.exe $($Arguments -join ' ') failed with exit code $LASTEXITCODE."
    }
}

# An upgrade: stop the running service before its files are replaced.
$existing = Get-Service -Name $serviceName -ErrorAction SilentlyContinue
if ($existing -and $existing.Status -ne 'Stopped') {
    Write-Host "Stopping $serviceName..."
    Stop-Service -Name $serviceName
    $existing.WaitForStatus('Stopped', [TimeSpan]::FromMinutes(2))
}

foreach ($folder in $InstallFolder, $DataFolder) {
    New-Item -ItemType Directory -Force -Path $folder | Out-Null
    Set-OwnerOnlyAccess $folder
}

Write-Host "Copying the control plane to $InstallFolder..."
Copy-Item -Path (Join-Path $From '*') -Destination $InstallFolder -Recurse -Force

# The service's command line: its data folder, its address, and where the first admin's password goes.
$binaryPath = '"{0}" --DataDirectory="{1}" --urls=http://0.0.0.0:{2} --Security:InitialAdminPasswordFile="{3}"' -f `
    $executable, $DataFolder, $Port, $passwordFile
if ($existing) {
    Invoke-Sc @('config', $serviceName, 'binPath=', $binaryPath, 'start=', 'auto', 'DisplayName=', $displayName)
}
else {
    New-Service -Name $serviceName -BinaryPathName $binaryPath -DisplayName $displayName -StartupType Automatic `
        -Description 'Collects heartbeats from Vigil agents, decides failovers, serves the dashboard and the REST API.' | Out-Null
}

# Recovery actions: restart 5 s after a failure, twice, then after 60 s; the count resets after a day.
Invoke-Sc @('failure', $serviceName, 'reset=', '86400', 'actions=', 'restart/5000/restart/5000/restart/60000')
Invoke-Sc @('failureflag', $serviceName, '1')

# The source the service's warnings and errors carry in the Application event log.
if (-not [System.Diagnostics.EventLog]::SourceExists($displayName)) {
    [System.Diagnostics.EventLog]::CreateEventSource($displayName, 'Application')
}

if (-not $NoFirewallRule) {
    $rule = Get-NetFirewallRule -Name $serviceName -ErrorAction SilentlyContinue
    if ($rule) {
        Set-NetFirewallRule -Name $serviceName -Protocol TCP -LocalPort $Port -Program $executable -Action Allow -Enabled True
    }
    else {
        New-NetFirewallRule -Name $serviceName -DisplayName $displayName -Direction Inbound -Protocol TCP `
            -LocalPort $Port -Program $executable -Action Allow | Out-Null
    }
}

Write-Host "Starting $serviceName..."
Start-Service -Name $serviceName
(Get-Service -Name $serviceName).WaitForStatus('Running', [TimeSpan]::FromMinutes(1))

$ready = $false
$deadline = (Get-Date).AddMinutes(2)
while (-not $ready -and (Get-Date) -lt $deadline) {
    try {
        $ready = (Invoke-WebRequest -UseBasicParsing -Uri "http://127.0.0.1:$Port/readyz" -TimeoutSec 5).StatusCode -eq 200
    }
    catch {
        Start-Sleep -Seconds 1
    }
}
if (-not $ready) {
    throw "$serviceName runs but does not answer http://127.0.0.1:$Port/readyz: see the logs in $(Join-Path $DataFolder 'logs') and the Application event log."
}

Write-Host "Vigil control plane ready on http://$($env:COMPUTERNAME):$Port/ (data in $DataFolder)."
if (Test-Path -LiteralPath $passwordFile) {
    Write-Host "The first admin's one-time password is in $passwordFile (readable by Administrators only): sign in, choose a new password, then delete the file."
}
