<#
.SYNOPSIS
    The one entry point for building, testing and demonstrating MeetEngage.

.DESCRIPTION
    Build   compiles the module into output/MeetEngage/<version>/ (version read from MeetEngage.psd1)
            and the simulator into output/simulator/.
    Docs    compiles the help in docs/en-US into output/MeetEngage/<version>/en-US/ (Build does too).
    Package builds, then makes output/repository/MeetEngage.<version>.nupkg with PSResourceGet's
            Publish-PSResource (as gallery modules are made) and output/MeetEngage-<version>.zip
            (MeetEngage/ at its root, for Azure Automation's module import), also written as
            output/MeetEngage.zip, the name Automation wants.
    Test    builds and packages, runs the xunit suite and the Pester suite (in a child pwsh, against
            the built module and the simulator), then prints one line "N passed, N failed" over all suites.
    Demo    builds, starts the simulator, connects, tests access, exports data to a CSV under
            output/, prints the row count and path, and stops the simulator.
    Bench   builds, then times Get-MeetEngageData and Export-MeetEngageData against
            (Invoke-RestMethod).output on several row shapes, each case in a fresh pwsh, and prints the
            figures and the performance targets met on each shape (.build/Bench.ps1). -Rows sets the
            size (default 1,000,000), -Shape the shapes (default narrow, medium, nested, late, wide).
            Then times what the machine-wide rate-limit ledger costs a request (.build/LedgerBench.ps1).
    Clean   removes output/ and every bin/ and obj/ folder.

    Plain PowerShell that also parses in Windows PowerShell 5.1. Run it with the pinned
    PowerShell: dotnet tool restore; dotnet pwsh ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Docs', 'Package', 'Test', 'Demo', 'Bench', 'Clean')]
    [string] $Task = 'Build',

    [ValidateSet('Release', 'Debug')]
    [string] $Configuration = 'Release',

    # Bench only: rows per case.
    [ValidateRange(1000, 50000000)]
    [int] $Rows = 1000000,

    # Bench only: the row shapes to measure (narrow, medium, wide, nested, flat, late); a comma-separated
    # list also works where arrays do not (pwsh -File).
    [string[]] $Shape = @('narrow', 'medium', 'nested', 'late', 'wide')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$Root = $PSScriptRoot
$Output = Join-Path $Root 'output'
. (Join-Path $Root '.build/common.ps1')
. (Join-Path $Root '.build/Package.ps1')

switch ($Task) {
    'Clean' {
        Invoke-Clean
    }
    'Build' {
        $null = Invoke-Build
    }
    'Docs' {
        & (Join-Path $Root '.build/Docs.ps1') -ModuleFolder (Get-ModuleFolder)
    }
    'Package' {
        $module = Invoke-Build
        $null = Invoke-Package -ModuleManifest $module
    }
    'Test' {
        $module = Invoke-Build
        # The package tests install the .nupkg and import the zip this makes.
        $null = Invoke-Package -ModuleManifest $module
        $failed = Invoke-AllTests -ModuleManifest $module
        if ($failed -gt 0) { exit 1 }
    }
    'Demo' {
        $module = Invoke-Build
        & (Join-Path $Root '.build/Demo.ps1') -ModuleManifest $module -SimulatorPath (Get-SimulatorPath) -OutputFolder $Output
        if (-not $?) { exit 1 }
    }
    'Bench' {
        $module = Invoke-Build
        & (Join-Path $Root '.build/Bench.ps1') -ModuleManifest $module -SimulatorPath (Get-SimulatorPath) -OutputFolder (Join-Path $Output 'bench') -Rows $Rows -Shape @($Shape | ForEach-Object { $_ -split ',' } | Where-Object { $_ })
        if (-not $?) { exit 1 }
        Invoke-Pwsh -File (Join-Path $Root '.build/LedgerBench.ps1') -ModuleManifest $module -OutputFolder (Join-Path $Output 'bench')
        if ($LASTEXITCODE -ne 0) { exit 1 }
    }
}
exit 0
