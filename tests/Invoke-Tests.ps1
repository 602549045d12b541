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
$configuration.TestResult.Enabled = $true
$configuration.TestResult.OutputFormat = 'NUnitXml'
$configuration.TestResult.OutputPath = Join-Path $ResultFolder 'pester.xml'

$result = Invoke-Pester -Configuration $configuration
[pscustomobject]@{
    Passed  = $result.PassedCount
    Failed  = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    Skipped = $result.SkippedCount + $result.NotRunCount
} | ConvertTo-Json | Set-Content -Path (Join-Path $ResultFolder 'pester.json') -Encoding utf8
