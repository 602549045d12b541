# Functions shared by build.ps1's tasks. Dot-sourced; plain PowerShell that parses in 5.1.
# Expects $Root, $Output and $Configuration from build.ps1.

function Write-Step([string] $Message) {
    Write-Host "==> $Message" -ForegroundColor Cyan
}

function Get-ModuleVersion {
    (Import-PowerShellDataFile (Join-Path $Root 'MeetEngage.psd1')).ModuleVersion
}

# A package version pinned in Directory.Packages.props, the one place versions are written.
function Get-PinnedVersion([string] $Package) {
    [xml] $props = Get-Content -Raw (Join-Path $Root 'Directory.Packages.props')
    $item = $props.Project.ItemGroup.PackageVersion | Where-Object { $_.Include -eq $Package }
    if (-not $item) { throw "Directory.Packages.props pins no version of $Package." }
    $item.Version
}

# Plain functions (no param block), so that dotnet's own -o and -c reach it untouched.
function Invoke-Dotnet {
    $Arguments = [string[]] $args
    Write-Host "dotnet $($Arguments -join ' ')" -ForegroundColor DarkGray
    & dotnet @Arguments | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($Arguments[0]) failed with exit code $LASTEXITCODE." }
}

# How to start another PowerShell like this one: the pinned tool runs as 'dotnet pwsh.dll'.
function Get-PwshInvocation {
    $process = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
    if ([System.IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') {
        return @{ FilePath = $process; Prefix = @((Join-Path $PSHOME 'pwsh.dll')) }
    }
    @{ FilePath = $process; Prefix = @() }
}

function Invoke-Pwsh {
    $Arguments = [string[]] $args
    $pwsh = Get-PwshInvocation
    $all = @($pwsh.Prefix) + @('-NoProfile', '-NonInteractive') + $Arguments
    & $pwsh.FilePath @all
}

function Get-ModuleFolder {
    Join-Path (Join-Path $Output 'MeetEngage') (Get-ModuleVersion)
}

function Get-SimulatorPath {
    Join-Path $Output 'simulator/MeetEngage.Simulator.dll'
}

function Invoke-Build {
    $version = Get-ModuleVersion
    $moduleFolder = Get-ModuleFolder
    Write-Step "Building MeetEngage $version ($Configuration)"
    $publish = Join-Path $Output 'publish'
    if (Test-Path $publish) { Remove-Item -Recurse -Force $publish }
    Invoke-Dotnet publish (Join-Path $Root 'src/MeetEngage/MeetEngage.csproj') -c $Configuration "-p:Version=$version" -o $publish --nologo -v quiet

    if (Test-Path $moduleFolder) { Remove-Item -Recurse -Force $moduleFolder }
    $null = New-Item -ItemType Directory -Force $moduleFolder
    # System.Text.Json and its dependencies are loaded by the module's resolver on Windows
    # PowerShell only; kept apart so PowerShell never loads them by itself.
    $dependencies = Join-Path $moduleFolder 'dependencies'
    $null = New-Item -ItemType Directory -Force $dependencies
    foreach ($file in Get-ChildItem $publish -Filter *.dll) {
        if ($file.Name -eq 'MeetEngage.dll') {
            Copy-Item $file.FullName $moduleFolder
        }
        else {
            Copy-Item $file.FullName $dependencies
        }
    }
    Copy-Item (Join-Path $Root 'MeetEngage.psd1') $moduleFolder
    Copy-Item (Join-Path $Root 'src/MeetEngage/MeetEngage.Format.ps1xml') $moduleFolder
    Copy-Item (Join-Path $Root 'LICENSE') $moduleFolder
    $docsScript = Join-Path $Root '.build/Docs.ps1'
    if (Test-Path $docsScript) { & $docsScript -ModuleFolder $moduleFolder }

    Write-Step 'Building the simulator'
    Invoke-Dotnet build (Join-Path $Root 'tests/MeetEngage.Simulator/MeetEngage.Simulator.csproj') -c $Configuration -o (Join-Path $Output 'simulator') --nologo -v quiet

    Write-Host "Module: $moduleFolder"
    Join-Path $moduleFolder 'MeetEngage.psd1'
}

function Invoke-Clean {
    Write-Step 'Cleaning'
    if (Test-Path $Output) { Remove-Item -Recurse -Force $Output }
    Get-ChildItem $Root -Directory -Recurse -Include bin, obj -ErrorAction SilentlyContinue |
        Where-Object { $_.FullName -notlike (Join-Path $Root '.git*') } |
        Remove-Item -Recurse -Force
}

# Pester comes from NuGet as a plain package (no PowerShell Gallery here).
function Restore-Pester {
    $version = Get-PinnedVersion 'Pester'
    $packages = Join-Path $Output 'tools'
    $manifest = Join-Path $packages "pester/$version/tools/Pester.psd1"
    if (-not (Test-Path $manifest)) {
        Write-Step "Restoring Pester $version from NuGet"
        Invoke-Dotnet restore (Join-Path $Root '.build/BuildTools.proj') "-p:PesterVersion=$version" --packages $packages --nologo -v quiet
    }
    if (-not (Test-Path $manifest)) { throw "Pester $version did not restore to $manifest." }
    $manifest
}

function Invoke-AllTests([string] $ModuleManifest) {
    $results = Join-Path $Output 'test-results'
    if (Test-Path $results) { Remove-Item -Recurse -Force $results }
    $null = New-Item -ItemType Directory -Force $results

    Write-Step 'Unit tests (xunit)'
    $unit = @{ Passed = 0; Failed = 0; Skipped = 0 }
    & dotnet test (Join-Path $Root 'tests/units/MeetEngage.Tests.csproj') -c $Configuration --nologo `
        --logger 'trx;LogFileName=units.trx' --logger 'console;verbosity=minimal' --results-directory $results | Out-Host
    $trx = Join-Path $results 'units.trx'
    if (Test-Path $trx) {
        [xml] $report = Get-Content -Raw $trx
        $counters = $report.TestRun.ResultSummary.Counters
        $unit.Passed = [int] $counters.passed
        $unit.Failed = [int] $counters.failed + [int] $counters.error + [int] $counters.timeout + [int] $counters.aborted
        $unit.Skipped = [int] $counters.notExecuted
    }
    if ($LASTEXITCODE -ne 0 -and $unit.Failed -eq 0) {
        # The run itself broke (a build error, a crashed host): count it, never hide it.
        $unit.Failed = 1
    }

    Write-Step 'Behaviour tests (Pester, in a child pwsh against the built module and the simulator)'
    $pester = Restore-Pester
    $pesterJson = Join-Path $results 'pester.json'
    Invoke-Pwsh -File (Join-Path $Root 'tests/Invoke-Tests.ps1') -PesterManifest $pester -ModuleManifest $ModuleManifest `
        -SimulatorPath (Get-SimulatorPath) -ResultFolder $results | Out-Host
    $behaviour = @{ Passed = 0; Failed = 1; Skipped = 0 }
    if (Test-Path $pesterJson) {
        $counts = Get-Content -Raw $pesterJson | ConvertFrom-Json
        if ($null -ne $counts.Passed -and $null -ne $counts.Failed) {
            $behaviour = @{ Passed = [int] $counts.Passed; Failed = [int] $counts.Failed; Skipped = [int] $counts.Skipped }
        }
    }

    $passed = $unit.Passed + $behaviour.Passed
    $failed = $unit.Failed + $behaviour.Failed
    $skipped = $unit.Skipped + $behaviour.Skipped
    Write-Host ''
    Write-Host ('xunit: {0} passed, {1} failed, {2} skipped; Pester: {3} passed, {4} failed, {5} skipped' -f $unit.Passed, $unit.Failed, $unit.Skipped, $behaviour.Passed, $behaviour.Failed, $behaviour.Skipped)
    # The closing line CI reads: every suite, alone on its line.
    if ($skipped -gt 0) {
        Write-Host ('{0} passed, {1} failed, {2} skipped' -f $passed, $failed, $skipped)
    }
    else {
        Write-Host ('{0} passed, {1} failed' -f $passed, $failed)
    }
    $failed
}
