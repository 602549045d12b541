# Dot-sourced by every *.Tests.ps1 in BeforeAll: imports the built module once per process and
# starts a simulator for the file. Run a file on its own after ./build.ps1 -Task Build with
# Invoke-Pester; the defaults below find the build output.
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'SimulatorProcess.ps1')

$script:RepoRoot = Split-Path $PSScriptRoot -Parent
$script:ModuleManifest = $env:MEETENGAGE_TEST_MODULE
if (-not $script:ModuleManifest) {
    $version = (Import-PowerShellDataFile (Join-Path $script:RepoRoot 'MeetEngage.psd1')).ModuleVersion
    $script:ModuleManifest = Join-Path $script:RepoRoot "output/MeetEngage/$version/MeetEngage.psd1"
}
$script:SimulatorPath = $env:MEETENGAGE_TEST_SIMULATOR
if (-not $script:SimulatorPath) {
    $script:SimulatorPath = Join-Path $script:RepoRoot 'output/simulator/MeetEngage.Simulator.dll'
}
# The module keeps each key's rate limit machine-wide in a ledger folder of the user's own
# ($XDG_RUNTIME_DIR on Linux and macOS): the suite, and every process it starts, uses its own.
if (-not $IsWindows) {
    $script:TestLedgerRoot = Join-Path $script:RepoRoot 'output/test-ledger'
    $null = New-Item -ItemType Directory -Force -Path $script:TestLedgerRoot
    $env:XDG_RUNTIME_DIR = $script:TestLedgerRoot
}
if (-not (Get-Module MeetEngage)) {
    Import-Module $script:ModuleManifest
}

# The simulator's built-in key pairs (see tests/MeetEngage.Simulator/README.md).
function New-TestCredential([string] $Key = 'demo-key', [string] $Secret = 'demo-secret') {
    New-Object System.Management.Automation.PSCredential($Key, (ConvertTo-SecureString $Secret -AsPlainText -Force))
}

# Starts a simulator for the calling test file; extra key pairs as 'key:secret:account'.
function Start-TestSimulator([string[]] $ArgumentList = @()) {
    Start-Simulator -Path $script:SimulatorPath -ArgumentList $ArgumentList
}

function Reset-Simulator($Simulator) {
    $null = Invoke-RestMethod -Method Post -Uri "$($Simulator.ServerUri)/_sim/reset"
}

function Add-SimulatorFault($Simulator, [hashtable[]] $Fault) {
    $body = @{ faults = @($Fault) } | ConvertTo-Json -Depth 10
    $null = Invoke-RestMethod -Method Post -Uri "$($Simulator.ServerUri)/_sim/faults" -Body $body -ContentType 'application/json'
}

function Get-SimulatorRequest($Simulator) {
    # Invoke-RestMethod hands a JSON array over as one object; piping it unrolls the requests.
    $requests = Invoke-RestMethod -Uri "$($Simulator.ServerUri)/_sim/requests"
    $requests | ForEach-Object { $_ }
}

# Runs a script in a fresh pwsh with the module imported; returns its output (text).
function Invoke-FreshPwsh([string] $Script, [hashtable] $Environment = @{}) {
    $process = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
    $prefix = @()
    if ([System.IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { $prefix = @((Join-Path $PSHOME 'pwsh.dll')) }
    $full = "Import-Module '$($script:ModuleManifest)'; " + $Script
    $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($full))
    $saved = @{}
    foreach ($name in $Environment.Keys) {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
        [Environment]::SetEnvironmentVariable($name, $Environment[$name])
    }
    try {
        $all = $prefix + @('-NoProfile', '-NonInteractive', '-EncodedCommand', $encoded)
        & $process @all 2>&1
    }
    finally {
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
    }
}
