<#
.SYNOPSIS
    The module's main job against the bundled simulator: connect, test access, export to CSV through the pipeline and with Export-MeetEngageData.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $SimulatorPath,
    [Parameter(Mandatory)] [string] $OutputFolder
)
$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot '../tests/SimulatorProcess.ps1')

Write-Host '==> Starting the simulator' -ForegroundColor Cyan
$simulator = Start-Simulator -Path $SimulatorPath
try {
    Import-Module $ModuleManifest
    Write-Host "Simulator: $($simulator.BaseUri)"

    # The simulator's demo key pair. For real use, see README.md: Quick start.
    $credential = New-Object System.Management.Automation.PSCredential('demo-key', (ConvertTo-SecureString 'demo-secret' -AsPlainText -Force))

    Write-Host '==> Connect-MeetEngage -Account demo' -ForegroundColor Cyan
    $session = Connect-MeetEngage -Account demo -Credential $credential -BaseUri $simulator.BaseUri -PassThru
    $session | Format-List | Out-String | Write-Host

    Write-Host '==> Test-MeetEngageAccess -Detailed' -ForegroundColor Cyan
    $access = Test-MeetEngageAccess -Detailed
    $access | Format-Table | Out-String | Write-Host
    if (-not $access.Authenticated) { throw 'The demo key pair was not accepted.' }

    $csv = Join-Path $OutputFolder 'demo-standard.csv'
    Write-Host "==> Get-MeetEngageData -From 2024-01-01 -To 2024-07-01 | Export-Csv $csv" -ForegroundColor Cyan
    Get-MeetEngageData -DataMethod standard -From '2024-01-01' -To '2024-07-01' |
        Export-Csv -Path $csv -NoTypeInformation -Encoding utf8

    $rows = @(Import-Csv -Path $csv)
    Write-Host ''
    Write-Host ("Exported {0} rows to {1}" -f $rows.Count, $csv) -ForegroundColor Green
    Write-Host ("Columns: {0}" -f (($rows[0].PSObject.Properties.Name) -join ', '))
    Write-Host ("Details of the first row, as Export-Csv writes a nested object: {0}" -f $rows[0].Details)

    # The same range straight to a file: every column, nested values flattened, complete or not at all.
    $export = Join-Path $OutputFolder 'demo-standard-export.csv'
    Write-Host "==> Export-MeetEngageData -From 2024-01-01 -To 2024-07-01 -Path $export -PassThru" -ForegroundColor Cyan
    $summary = Export-MeetEngageData -DataMethod standard -From '2024-01-01' -To '2024-07-01' -Path $export -PassThru
    $summary | Format-Table | Out-String | Write-Host
    $exported = @(Import-Csv -Path $export)
    Write-Host ("Exported {0} rows to {1}" -f $exported.Count, $export) -ForegroundColor Green
    Write-Host ("Columns: {0}" -f (($exported[0].PSObject.Properties.Name) -join ', '))

    $jsonl = Join-Path $OutputFolder 'demo-standard.jsonl'
    Write-Host "==> Export-MeetEngageData -From 2024-01-01 -To 2024-07-01 -Path $jsonl" -ForegroundColor Cyan
    Export-MeetEngageData -DataMethod standard -From '2024-01-01' -To '2024-07-01' -Path $jsonl
    Write-Host ("First line: {0}" -f (Get-Content -Path $jsonl -TotalCount 1))
    Disconnect-MeetEngage
}
finally {
    Stop-Simulator $simulator
}
