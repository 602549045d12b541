<#
.SYNOPSIS
    Runs the Pester suite against the built module; called by build.ps1 -Task Test in a child pwsh.
    Writes the counts to <ResultFolder>/pester.json and an NUnit report beside it.
#>
param(
    [Parameter(Mandatory)] [string] $PesterManifest,
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $SimulatorPath,
    [Parameter(Mandatory)] [string] $ResultFolder,
    [string[]] $Path = @($PSScriptRoot)
)
$ErrorActionPreference = 'Stop'

# Under the C locale PowerShell on Linux finds no en-US help; the tests read help as a user would.
[System.Globalization.CultureInfo]::CurrentUICulture = [System.Globalization.CultureInfo]::GetCultureInfo('en-US')

Import-Module $PesterManifest -Force
$env:MEETENGAGE_TEST_MODULE = $ModuleManifest
$env:MEETENGAGE_TEST_SIMULATOR = $SimulatorPath

$configuration = New-PesterConfiguration
$configuration.Run.Path = $Path
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
# No XML report: Pester's NUnit writer fails on the control characters some failure messages
# carry, and the counts below are all the build needs.
$configuration.TestResult.Enabled = $false

$result = $null
try {
    $result = Invoke-Pester -Configuration $configuration
}
catch {
    Write-Host "Pester itself failed: $_" -ForegroundColor Red
}
if ($null -eq $result) {
    # A run that reported nothing must count as failed, never as zero failures.
    $counts = [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 }
}
else {
    $counts = [pscustomobject]@{
        Passed  = [int] $result.PassedCount
        Failed  = [int] ($result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount)
        Skipped = [int] ($result.SkippedCount + $result.NotRunCount)
    }
}
$counts | ConvertTo-Json | Set-Content -Path (Join-Path $ResultFolder 'pester.json') -Encoding utf8
