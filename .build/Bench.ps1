<#
.SYNOPSIS
    build.ps1 -Task Bench: Get-MeetEngageData against (Invoke-RestMethod ...).output, side by side.

.DESCRIPTION
    Starts the simulator (its own rate limit off, so only the module's limiter applies; the whole
    run makes a few calls per process), then runs each case in a fresh PowerShell (.build/BenchCase.ps1):

        Get-MeetEngageData                | Measure-Object      -Rows rows
        (Invoke-RestMethod ...).output    | Measure-Object      -Rows rows
        Get-MeetEngageData                | Export-Csv          -Rows rows
        (Invoke-RestMethod ...).output    | Export-Csv          -Rows rows
        Get-MeetEngageData                | Measure-Object      -Rows / 10 rows (is memory flat?)
        Get-MeetEngageData                | Export-Csv          -Rows / 10 rows

    The data is the simulator's bulk_<rows> method (about 290 bytes a row). It prints a table of the
    cases and one of the targets of issue 4 with PASS or FAIL, and writes both to
    output/bench/results.md (and the raw figures to results.json). CSV files go to output/bench/.

    Timings are ratios measured in one run on one machine: a busy machine moves them, so read the
    PASS/FAIL lines. The exit code is 0 whenever the benchmark ran, whatever the figures, and 1 only
    when it could not run or a case went wrong (no simulator, a failed case, a wrong row count).
    Invoke-RestMethod holds the whole body: at 1,000,000 rows it needs about 7 GB of memory and most
    of a minute per case; -Rows 200000 gives a quicker, smaller run.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $SimulatorPath,
    [Parameter(Mandatory)] [string] $OutputFolder,
    [ValidateRange(1000, 50000000)] [int] $Rows = 1000000
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
. (Join-Path $PSScriptRoot '../tests/SimulatorProcess.ps1')
. (Join-Path $PSScriptRoot 'common.ps1')

# The targets of issue 4.
$MeasureRatioGoal = 8
$CsvRatioGoal = 5
$PeakMegabytesGoal = 256
$FlatMegabytesGoal = 60
$FirstRowMillisecondsGoal = 50

$smallRows = [int] [Math]::Max(1000, [Math]::Floor($Rows / 10))
$null = New-Item -ItemType Directory -Force $OutputFolder
$caseScript = Join-Path $PSScriptRoot 'BenchCase.ps1'
$pwsh = Get-PwshInvocation

function Format-Count([long] $Count) { $Count.ToString('N0', [Globalization.CultureInfo]::InvariantCulture) }

function Format-Number([double] $Value, [string] $Format) { $Value.ToString($Format, [Globalization.CultureInfo]::InvariantCulture) }

function Get-PipelineText([string] $Tool, [string] $Sink) {
    $source = if ($Tool -eq 'MeetEngage') { 'Get-MeetEngageData' } else { '(Invoke-RestMethod).output' }
    $target = if ($Sink -eq 'MeasureObject') { 'Measure-Object' } else { 'Export-Csv' }
    # Markdown: a pipe inside a table cell must be escaped, code span or not.
    "$source \| $target"
}

function Invoke-BenchCase([string] $Tool, [string] $Sink, [int] $CaseRows, [string] $BaseUri, [string] $Label, [switch] $FirstRowOnly) {
    $name = '{0}-{1}-{2}' -f $Tool, $Sink, $CaseRows
    $what = (Get-PipelineText $Tool $Sink) -replace '\\', ''
    if ($FirstRowOnly) {
        $name += '-FirstRow'
        $what = 'Get-MeetEngageData | Select-Object -First 1, the first call of the process'
    }
    $resultPath = Join-Path $OutputFolder "$name.json"
    $csvPath = Join-Path $OutputFolder "$name.csv"
    if (Test-Path $resultPath) { Remove-Item $resultPath }
    Write-Host ("==> {0} {1}, {2} rows (fresh pwsh)" -f $Label, $what, (Format-Count $CaseRows)) -ForegroundColor Cyan
    $arguments = @($pwsh.Prefix) + @('-NoProfile', '-NonInteractive', '-File', $caseScript,
        '-Tool', $Tool, '-Sink', $Sink, '-Rows', "$CaseRows", '-BaseUri', $BaseUri,
        '-ModuleManifest', $ModuleManifest, '-CsvPath', $csvPath, '-ResultPath', $resultPath)
    if ($FirstRowOnly) { $arguments += '-FirstRowOnly' }
    & $pwsh.FilePath @arguments | Out-Host
    if ($LASTEXITCODE -ne 0 -or -not (Test-Path $resultPath)) {
        throw "The case $name failed (exit code $LASTEXITCODE)."
    }
    $result = Get-Content -Raw $resultPath | ConvertFrom-Json
    if ($FirstRowOnly) {
        if ($null -eq $result.FirstRowMilliseconds) { throw "The case $name saw no row." }
        Write-Host ("    first row {0} ms after the request started" -f (Format-Number $result.FirstRowMilliseconds '0.0'))
        return $result
    }
    if ($result.Counted -ne $CaseRows) {
        throw "The case $name counted $($result.Counted) rows, not $CaseRows."
    }
    Write-Host ("    {0} s, peak {1} MB" -f (Format-Number $result.Seconds '0.00'), (Format-Number ($result.PeakBytes / 1MB) '0'))
    $result
}

function Get-Verdict([bool] $Met) { if ($Met) { 'PASS' } else { 'FAIL' } }

Write-Host '==> Starting the simulator (its own rate limit off)' -ForegroundColor Cyan
$simulator = Start-Simulator -Path $SimulatorPath -ArgumentList @('--rate-limit', '0')
try {
    $oursMeasure = Invoke-BenchCase MeetEngage MeasureObject $Rows $simulator.BaseUri '[1/7]'
    $irmMeasure = Invoke-BenchCase InvokeRestMethod MeasureObject $Rows $simulator.BaseUri '[2/7]'
    $oursCsv = Invoke-BenchCase MeetEngage ExportCsv $Rows $simulator.BaseUri '[3/7]'
    $irmCsv = Invoke-BenchCase InvokeRestMethod ExportCsv $Rows $simulator.BaseUri '[4/7]'
    $oursMeasureSmall = Invoke-BenchCase MeetEngage MeasureObject $smallRows $simulator.BaseUri '[5/7]'
    $oursCsvSmall = Invoke-BenchCase MeetEngage ExportCsv $smallRows $simulator.BaseUri '[6/7]'
    $oursCold = Invoke-BenchCase MeetEngage MeasureObject $Rows $simulator.BaseUri '[7/7]' -FirstRowOnly
}
catch {
    Write-Host "The benchmark could not run: $_" -ForegroundColor Red
    exit 1
}
finally {
    Stop-Simulator $simulator
}

$all = @($oursMeasure, $irmMeasure, $oursCsv, $irmCsv, $oursMeasureSmall, $oursCsvSmall)
$lines = New-Object System.Collections.Generic.List[string]
$lines.Add(('{0} rows of the simulator''s bulk_{1} (about 290 bytes a row) on 127.0.0.1; PowerShell {2}, {3} logical processors, {4}.' -f
        (Format-Count $Rows), $Rows, $PSVersionTable.PSVersion, [Environment]::ProcessorCount,
        [System.Runtime.InteropServices.RuntimeInformation]::OSDescription.Trim()))
$lines.Add('')
$lines.Add('| pipeline | rows | time | rows/s | peak memory | first row |')
$lines.Add('|---|---:|---:|---:|---:|---:|')
foreach ($case in $all) {
    $lines.Add(('| `{0}` | {1} | {2} s | {3} | {4} MB | {5} ms |' -f (Get-PipelineText $case.Tool $case.Sink), (Format-Count $case.Rows),
            (Format-Number $case.Seconds '0.00'), (Format-Count ([long] ($case.Rows / $case.Seconds))),
            (Format-Number ($case.PeakBytes / 1MB) '0'), (Format-Number $case.FirstRowMilliseconds '0')))
}
$lines.Add('')
$lines.Add('Time: the pipeline alone, each case the first call of a fresh pwsh. First row, after the request''s start: for Get-MeetEngageData, of a further call after the timed one; for Invoke-RestMethod, when the call returns with the whole body parsed.')

$measureRatio = $irmMeasure.Seconds / $oursMeasure.Seconds
$csvRatio = $irmCsv.Seconds / $oursCsv.Seconds
$peak = [Math]::Max($oursMeasure.PeakBytes, $oursCsv.PeakBytes) / 1MB
$growthMeasure = ($oursMeasure.PeakBytes - $oursMeasureSmall.PeakBytes) / 1MB
$growthCsv = ($oursCsv.PeakBytes - $oursCsvSmall.PeakBytes) / 1MB
$warm = @($oursMeasure, $oursCsv)
$verdicts = @(
    @{ Target = '`\| Measure-Object`: Get-MeetEngageData faster than Invoke-RestMethod'; Goal = ">= $MeasureRatioGoal x"
        Measured = ('{0} x ({1} s against {2} s)' -f (Format-Number $measureRatio '0.0'), (Format-Number $oursMeasure.Seconds '0.00'), (Format-Number $irmMeasure.Seconds '0.00'))
        Met = $measureRatio -ge $MeasureRatioGoal }
    @{ Target = '`\| Export-Csv`: Get-MeetEngageData faster than Invoke-RestMethod'; Goal = ">= $CsvRatioGoal x"
        Measured = ('{0} x ({1} s against {2} s)' -f (Format-Number $csvRatio '0.0'), (Format-Number $oursCsv.Seconds '0.00'), (Format-Number $irmCsv.Seconds '0.00'))
        Met = $csvRatio -ge $CsvRatioGoal }
    @{ Target = ('Peak memory of Get-MeetEngageData at {0} rows' -f (Format-Count $Rows)); Goal = "<= $PeakMegabytesGoal MB"
        Measured = ('{0} MB' -f (Format-Number $peak '0'))
        Met = $peak -le $PeakMegabytesGoal }
    @{ Target = ('Flat memory: peak at {0} rows over peak at {1} rows' -f (Format-Count $Rows), (Format-Count $smallRows)); Goal = "<= $FlatMegabytesGoal MB"
        Measured = ('{0} MB (Measure-Object), {1} MB (Export-Csv)' -f (Format-Number $growthMeasure '+0;-0;0'), (Format-Number $growthCsv '+0;-0;0'))
        Met = ($growthMeasure -le $FlatMegabytesGoal) -and ($growthCsv -le $FlatMegabytesGoal) }
)
$afterHeaders = @(@($warm + $oursCold) | ForEach-Object { $_.HeadersToFirstRowMilliseconds } | Where-Object { $null -ne $_ })
$warmFromRequest = ($warm | Measure-Object -Property FirstRowMilliseconds -Maximum).Maximum
if ($afterHeaders.Count -eq 3) {
    # The worst of the three: after each timed run (warm) and the first call of a fresh process (cold).
    $warmAfterHeaders = ($warm | Measure-Object -Property HeadersToFirstRowMilliseconds -Maximum).Maximum
    $worst = ($afterHeaders | Measure-Object -Maximum).Maximum
    $verdicts += @{ Target = 'First row after the first bytes (the response headers)'; Goal = "<= $FirstRowMillisecondsGoal ms"
        Measured = ('{0} ms warm, {1} ms in a fresh process (from the request''s start: {2} and {3} ms)' -f (Format-Number $warmAfterHeaders '0.0'),
            (Format-Number $oursCold.HeadersToFirstRowMilliseconds '0.0'), (Format-Number $warmFromRequest '0.0'), (Format-Number $oursCold.FirstRowMilliseconds '0.0'))
        Met = $worst -le $FirstRowMillisecondsGoal }
}
else {
    # Without the module's debug message that the response arrived, the time from the request's
    # start is an upper bound.
    $worst = [Math]::Max($warmFromRequest, $oursCold.FirstRowMilliseconds)
    $verdicts += @{ Target = 'First row after the request started (bounds the time after the first bytes)'; Goal = "<= $FirstRowMillisecondsGoal ms"
        Measured = ('{0} ms warm, {1} ms in a fresh process' -f (Format-Number $warmFromRequest '0.0'), (Format-Number $oursCold.FirstRowMilliseconds '0.0'))
        Met = $worst -le $FirstRowMillisecondsGoal }
}

$lines.Add('')
$lines.Add('| target | goal | measured | result |')
$lines.Add('|---|---|---|---|')
foreach ($verdict in $verdicts) {
    $lines.Add(('| {0} | {1} | {2} | {3} |' -f $verdict.Target, $verdict.Goal, $verdict.Measured, (Get-Verdict $verdict.Met)))
}
$missed = @($verdicts | Where-Object { -not $_.Met }).Count

Write-Host ''
foreach ($line in $lines) { Write-Host $line }
Write-Host ''
if ($missed -eq 0) {
    Write-Host 'Every target met.' -ForegroundColor Green
}
else {
    Write-Host "$missed of $($verdicts.Count) targets missed (timings move with the machine's load; see the table)." -ForegroundColor Yellow
}

$lines | Set-Content -Path (Join-Path $OutputFolder 'results.md') -Encoding utf8
@($all + $oursCold) | ConvertTo-Json | Set-Content -Path (Join-Path $OutputFolder 'results.json') -Encoding utf8
Write-Host "Written: $(Join-Path $OutputFolder 'results.md')"
exit 0
