<#
.SYNOPSIS
    build.ps1 -Task Bench: Get-MeetEngageData and Export-MeetEngageData against (Invoke-RestMethod ...).output,
    on several row shapes.

.DESCRIPTION
    Starts the simulator (its own rate limit off, so only the module's limiter applies; the whole
    run makes a few calls per process), then, for each row shape (the simulator's bulk_<shape>_<rows>,
    tests/MeetEngage.Simulator/README.md), runs every case of $Cases, each in a fresh PowerShell
    (.build/BenchCase.ps1): each tool into each sink at -Rows rows, the module's tool again at
    -Rows / 10 rows (is memory flat?), and the first row of the first call of a fresh process; and
    Export-MeetEngageData straight to a CSV and a JSON Lines file at both sizes. The late shape has
    columns that first appear late in the data (row 1024, 2048, ..., 524288), which the CSV export
    must find without holding rows.

    It then checks every target of $Targets on every shape, prints a table of the cases and one of
    the targets with PASS or MISS, and writes both to output/bench/results.md (and the raw figures to
    results.json). CSV files go to output/bench/.

    To add a tool or a sink: a row in $Tools or $Sinks, the matching branch in BenchCase.ps1, the
    cases in $Cases, and a target in $Targets if it has one.

    Timings are ratios measured in one run on one machine: a busy machine moves them, so read the
    PASS/MISS lines. The exit code is 0 whenever the benchmark ran, whatever the figures, and 1 only
    when it could not run or a case went wrong (no simulator, a failed case, a wrong row count); a
    failed case is reported and the others still run, its targets "not measured".
    Invoke-RestMethod holds the whole body and a PSObject per row: at 1,000,000 rows it needs about
    7 GB for the medium shape, 11 GB for nested and over 20 GB for wide (40 properties a row), and a
    minute or more per case, so wide runs last. -Rows 100000 and -Shape give a quicker, smaller run.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $SimulatorPath,
    [Parameter(Mandatory)] [string] $OutputFolder,
    [ValidateRange(1000, 50000000)] [int] $Rows = 1000000,
    [ValidateSet('narrow', 'medium', 'wide', 'nested', 'flat', 'late')] [string[]] $Shape = @('narrow', 'medium', 'nested', 'late', 'wide')
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
. (Join-Path $PSScriptRoot '../tests/SimulatorProcess.ps1')
. (Join-Path $PSScriptRoot 'common.ps1')

$Tools = [ordered]@{
    MeetEngage       = 'Get-MeetEngageData'
    InvokeRestMethod = '(Invoke-RestMethod).output'
}
$Sinks = [ordered]@{
    MeasureObject = 'Measure-Object'
    ExportCsv     = 'Export-Csv'
}
# Export-MeetEngageData is no pipeline: its "sinks" are the file formats it writes.
$ExportTool = 'Export-MeetEngageData'
$FileSinks = [ordered]@{
    CsvFile       = '-Path x.csv'
    JsonLinesFile = '-Path x.jsonl'
}
$ShapeTexts = @{
    narrow = '5 columns, about 130 bytes a row'
    medium = '11 columns, about 295 bytes, one row in ten nested'
    wide   = '40 columns, about 640 bytes'
    nested = '7 columns, about 235 bytes, every row with an object and two arrays'
    flat   = '16 columns, about 285 bytes'
    late   = 'flat, plus a column first seen in row 1024, 2048, ..., 524288'
}

# Every case, run on every shape. Size: Full (-Rows) or Small (-Rows / 10). Repeat: the export
# cases take a second or two, where this machine's disk and scheduler move a single run by a
# quarter to a third, more than JSON Lines and CSV differ on narrow rows (5-15 %); they run nine
# times and count with their median time (and their highest peak).
# Together: cases compared with each other run in turn (CSV, JSON Lines, CSV, ...), so that a slow
# spell of the machine falls on both alike rather than on all the runs of one.
$Cases = @(
    @{ Tool = 'MeetEngage'; Sink = 'MeasureObject'; Size = 'Full' }
    @{ Tool = 'InvokeRestMethod'; Sink = 'MeasureObject'; Size = 'Full' }
    @{ Tool = 'MeetEngage'; Sink = 'ExportCsv'; Size = 'Full' }
    @{ Tool = 'InvokeRestMethod'; Sink = 'ExportCsv'; Size = 'Full' }
    @{ Tool = 'MeetEngage'; Sink = 'MeasureObject'; Size = 'Small' }
    @{ Tool = 'MeetEngage'; Sink = 'ExportCsv'; Size = 'Small' }
    @{ Tool = 'MeetEngage'; Sink = 'MeasureObject'; Size = 'Full'; FirstRowOnly = $true }
    @{ Tool = 'Export'; Sink = 'CsvFile'; Size = 'Full'; Repeat = 9; Together = 'ExportFull' }
    @{ Tool = 'Export'; Sink = 'JsonLinesFile'; Size = 'Full'; Repeat = 9; Together = 'ExportFull' }
    @{ Tool = 'Export'; Sink = 'CsvFile'; Size = 'Small' }
    @{ Tool = 'Export'; Sink = 'JsonLinesFile'; Size = 'Small' }
)

# How many times faster than Invoke-RestMethod into the same sink, at -Rows rows.
$SpeedGoals = [ordered]@{ MeasureObject = 10; ExportCsv = 6 }
$PeakMegabytesGoal = 200
# Flat: the peak at -Rows rows at most this much above the peak at -Rows / 10. Peaks move by a few
# MB from run to run with when the collector happens to run; anything that kept a trace of each row
# would grow far more: 32 MB over 900,000 rows is 37 bytes a row, smaller than any row object.
$FlatMegabytesGoal = 32
$FirstRowMillisecondsGoal = 50
# Export-MeetEngageData -Path x.csv: how many times faster than each pipeline into Export-Csv (issue 11).
$ExportSpeedGoals = [ordered]@{ InvokeRestMethod = 15; MeetEngage = 3 }

$smallRows = [int] [Math]::Max(1000, [Math]::Floor($Rows / 10))
$null = New-Item -ItemType Directory -Force $OutputFolder
$caseScript = Join-Path $PSScriptRoot 'BenchCase.ps1'
$pwsh = Get-PwshInvocation
$syncCommand = Get-Command -Name sync -CommandType Application -ErrorAction Ignore | Select-Object -First 1

function Format-Count([long] $Count) { $Count.ToString('N0', [Globalization.CultureInfo]::InvariantCulture) }

function Format-Number([double] $Value, [string] $Format) { $Value.ToString($Format, [Globalization.CultureInfo]::InvariantCulture) }

# How many times faster one case ran than another, as a target's result.
function Measure-SpeedRatio($Ours, $Theirs, [double] $Goal) {
    $ratio = $Theirs.Seconds / $Ours.Seconds
    @{ Measured = ('{0} x ({1} s against {2} s)' -f (Format-Number $ratio '0.0'), (Format-Number $Ours.Seconds '0.00'), (Format-Number $Theirs.Seconds '0.00')); Met = $ratio -ge $Goal }
}

function Get-PipelineText([string] $Tool, [string] $Sink) {
    if ($Tool -eq 'Export') { return '{0} {1}' -f $ExportTool, $FileSinks[$Sink] }
    # Markdown: a pipe inside a table cell must be escaped, code span or not.
    '{0} \| {1}' -f $Tools[$Tool], $Sinks[$Sink]
}

# One case's result of one shape; a case that failed has none, and the targets it feeds are not measured.
function Get-Result($Results, [string] $Key) {
    $result = $Results[$Key]
    if ($null -eq $result) { throw "not measured: the case $Key failed" }
    $result
}

function Get-CaseKey($Case) {
    $key = '{0}-{1}-{2}' -f $Case.Tool, $Case.Sink, $Case.Size
    if ($Case.ContainsKey('FirstRowOnly') -and $Case.FirstRowOnly) { $key += '-FirstRow' }
    $key
}

# Runs the cases of a group (one case, or those run together) their Repeat times, in turn; returns
# each case's result by its key: with several runs, the run of the median time, with the highest
# peak of all its runs.
function Invoke-BenchCases($Group, [string] $ShapeName, [string] $BaseUri, [string] $Label) {
    $repeat = if ($Group[0].ContainsKey('Repeat')) { $Group[0].Repeat } else { 1 }
    $runs = @{}
    foreach ($case in $Group) { $runs[(Get-CaseKey $case)] = New-Object System.Collections.Generic.List[object] }
    for ($run = 1; $run -le $repeat; $run++) {
        foreach ($case in $Group) {
            $runLabel = if ($repeat -gt 1) { "$Label (run $run of $repeat)" } else { $Label }
            $runs[(Get-CaseKey $case)].Add((Invoke-BenchRun $case $ShapeName $BaseUri $runLabel))
        }
    }
    $results = [ordered]@{}
    foreach ($case in $Group) {
        $key = Get-CaseKey $case
        $caseRuns = $runs[$key].ToArray()
        if ($repeat -eq 1) { $results[$key] = $caseRuns[0]; continue }
        $sorted = @($caseRuns | Sort-Object -Property Seconds)
        $median = $sorted[[int][Math]::Floor($sorted.Count / 2)]
        $median.PeakBytes = ($caseRuns | Measure-Object -Property PeakBytes -Maximum).Maximum
        $median | Add-Member -NotePropertyName RunSeconds -NotePropertyValue @($caseRuns | ForEach-Object { $_.Seconds }) -Force
        $what = (Get-PipelineText $case.Tool $case.Sink) -replace '\\', ''
        Write-Host ("    {0}: median {1} s of {2}" -f $what, (Format-Number $median.Seconds '0.00'), (@($caseRuns | ForEach-Object { Format-Number $_.Seconds '0.00' }) -join ' / '))
        $results[$key] = $median
    }
    $results
}

function Invoke-BenchRun($Case, [string] $ShapeName, [string] $BaseUri, [string] $Label) {
    $caseRows = if ($Case.Size -eq 'Small') { $smallRows } else { $Rows }
    $firstRowOnly = $Case.ContainsKey('FirstRowOnly') -and $Case.FirstRowOnly
    $name = '{0}-{1}-{2}-{3}' -f $ShapeName, $Case.Tool, $Case.Sink, $caseRows
    $what = (Get-PipelineText $Case.Tool $Case.Sink) -replace '\\', ''
    if ($firstRowOnly) {
        $name += '-FirstRow'
        $what = 'Get-MeetEngageData | Select-Object -First 1, the first call of the process'
    }
    $resultPath = Join-Path $OutputFolder "$name.json"
    $csvPath = Join-Path $OutputFolder "$name.csv"
    if (Test-Path $resultPath) { Remove-Item $resultPath }
    Write-Host ("==> {0} {1}: {2}, {3} rows (fresh pwsh)" -f $Label, $ShapeName, $what, (Format-Count $caseRows)) -ForegroundColor Cyan
    # Each case starts from a settled disk too: the files of the case before (hundreds of MB,
    # deleted after it) are written back or discarded now, not while this case runs.
    if ($syncCommand) { & $syncCommand }
    $arguments = @($pwsh.Prefix) + @('-NoProfile', '-NonInteractive', '-File', $caseScript,
        '-Tool', $Case.Tool, '-Sink', $Case.Sink, '-Shape', $ShapeName, '-Rows', "$caseRows", '-BaseUri', $BaseUri,
        '-ModuleManifest', $ModuleManifest, '-CsvPath', $csvPath, '-ResultPath', $resultPath)
    if ($firstRowOnly) { $arguments += '-FirstRowOnly' }
    & $pwsh.FilePath @arguments | Out-Host
    if ($LASTEXITCODE -ne 0 -or -not (Test-Path $resultPath)) {
        throw "The case $name failed (exit code $LASTEXITCODE)."
    }
    $result = Get-Content -Raw $resultPath | ConvertFrom-Json
    foreach ($file in @($csvPath, [IO.Path]::ChangeExtension($csvPath, '.jsonl'))) { if (Test-Path $file) { Remove-Item $file } }
    if ($firstRowOnly) {
        if ($null -eq $result.FirstRowMilliseconds) { throw "The case $name saw no row." }
        Write-Host ("    first row {0} ms after the request started" -f (Format-Number $result.FirstRowMilliseconds '0.0'))
        return $result
    }
    if ($result.Counted -ne $caseRows) {
        throw "The case $name counted $($result.Counted) rows, not $caseRows."
    }
    Write-Host ("    {0} s, peak {1} MB" -f (Format-Number $result.Seconds '0.00'), (Format-Number ($result.PeakBytes / 1MB) '0'))
    $result
}

# The targets: each returns, for one shape's results (by case key), what it measured and whether it met its goal.
$Targets = @()
foreach ($sink in $SpeedGoals.Keys) {
    $Targets += @{
        Name = ('`\| {0}`: {1} faster than {2}' -f $Sinks[$sink], $Tools['MeetEngage'], $Tools['InvokeRestMethod']); Goal = ('>= {0} x' -f $SpeedGoals[$sink])
        Check = {
            param($r, $sink, $goal)
            Measure-SpeedRatio (Get-Result $r "MeetEngage-$sink-Full") (Get-Result $r "InvokeRestMethod-$sink-Full") $goal
        }
        Sink = $sink; Value = $SpeedGoals[$sink]
    }
}
$Targets += @{
    Name = 'Peak memory of Get-MeetEngageData at -Rows'; Goal = "<= $PeakMegabytesGoal MB"; Sink = $null; Value = $PeakMegabytesGoal
    Check = {
        param($r, $sink, $goal)
        $peak = (@($Sinks.Keys | ForEach-Object { (Get-Result $r "MeetEngage-$_-Full").PeakBytes }) | Measure-Object -Maximum).Maximum / 1MB
        @{ Measured = ('{0} MB' -f (Format-Number $peak '0')); Met = $peak -le $goal }
    }
}
$Targets += @{
    Name = 'Flat memory: peak at -Rows over peak at -Rows / 10'; Goal = "<= $FlatMegabytesGoal MB"; Sink = $null; Value = $FlatMegabytesGoal
    Check = {
        param($r, $sink, $goal)
        $growth = @($Sinks.Keys | ForEach-Object { ((Get-Result $r "MeetEngage-$_-Full").PeakBytes - (Get-Result $r "MeetEngage-$_-Small").PeakBytes) / 1MB })
        @{ Measured = ('{0} MB' -f (@($growth | ForEach-Object { Format-Number $_ '+0;-0;0' }) -join ' / ')); Met = @($growth | Where-Object { $_ -gt $goal }).Count -eq 0 }
    }
}
$Targets += @{
    Name = 'First row after the response headers (warm / fresh process)'; Goal = "<= $FirstRowMillisecondsGoal ms"; Sink = $null; Value = $FirstRowMillisecondsGoal
    Check = {
        param($r, $sink, $goal)
        # Warm: a call after each timed run; cold: the first call of a fresh process. Without the
        # module's debug message that the response arrived, the time from the request's start bounds it.
        $cases = @(@($Sinks.Keys | ForEach-Object { Get-Result $r "MeetEngage-$_-Full" }) + (Get-Result $r 'MeetEngage-MeasureObject-Full-FirstRow'))
        $times = @($cases | ForEach-Object { if ($null -ne $_.HeadersToFirstRowMilliseconds) { $_.HeadersToFirstRowMilliseconds } else { $_.FirstRowMilliseconds } })
        $warm = ($times[0..($times.Count - 2)] | Measure-Object -Maximum).Maximum
        $worst = ($times | Measure-Object -Maximum).Maximum
        @{ Measured = ('{0} / {1} ms' -f (Format-Number $warm '0.0'), (Format-Number $times[-1] '0.0')); Met = $worst -le $goal }
    }
}

foreach ($tool in $ExportSpeedGoals.Keys) {
    $Targets += @{
        Name = ('`{0} {1}` faster than `{2} \| Export-Csv`' -f $ExportTool, $FileSinks['CsvFile'], $Tools[$tool]); Goal = ('>= {0} x' -f $ExportSpeedGoals[$tool])
        Check = {
            param($r, $tool, $goal)
            Measure-SpeedRatio (Get-Result $r 'Export-CsvFile-Full') (Get-Result $r "$tool-ExportCsv-Full") $goal
        }
        Sink = $tool; Value = $ExportSpeedGoals[$tool]
    }
}
$Targets += @{
    Name = ('Peak memory of {0} at -Rows (CSV / JSON Lines)' -f $ExportTool); Goal = "<= $PeakMegabytesGoal MB"; Sink = $null; Value = $PeakMegabytesGoal
    Check = {
        param($r, $sink, $goal)
        $peaks = @($FileSinks.Keys | ForEach-Object { (Get-Result $r "Export-$_-Full").PeakBytes / 1MB })
        @{ Measured = ('{0} MB' -f (@($peaks | ForEach-Object { Format-Number $_ '0' }) -join ' / ')); Met = @($peaks | Where-Object { $_ -gt $goal }).Count -eq 0 }
    }
}
$Targets += @{
    Name = ('Flat memory of {0}: peak at -Rows over peak at -Rows / 10 (CSV / JSON Lines)' -f $ExportTool); Goal = "<= $FlatMegabytesGoal MB"; Sink = $null; Value = $FlatMegabytesGoal
    Check = {
        param($r, $sink, $goal)
        $growth = @($FileSinks.Keys | ForEach-Object { ((Get-Result $r "Export-$_-Full").PeakBytes - (Get-Result $r "Export-$_-Small").PeakBytes) / 1MB })
        @{ Measured = ('{0} MB' -f (@($growth | ForEach-Object { Format-Number $_ '+0;-0;0' }) -join ' / ')); Met = @($growth | Where-Object { $_ -gt $goal }).Count -eq 0 }
    }
}
$Targets += @{
    Name = ('{0}: JSON Lines at least as fast as CSV' -f $ExportTool); Goal = '<= CSV time'; Sink = $null; Value = 1
    Check = {
        param($r, $sink, $goal)
        $csv = Get-Result $r 'Export-CsvFile-Full'; $jsonl = Get-Result $r 'Export-JsonLinesFile-Full'
        @{ Measured = ('{0} s against {1} s' -f (Format-Number $jsonl.Seconds '0.00'), (Format-Number $csv.Seconds '0.00')); Met = $jsonl.Seconds -le $csv.Seconds * $goal }
    }
}

Write-Host '==> Starting the simulator (its own rate limit off)' -ForegroundColor Cyan
$simulator = Start-Simulator -Path $SimulatorPath -ArgumentList @('--rate-limit', '0')
$results = [ordered]@{}
$failures = New-Object System.Collections.Generic.List[string]
try {
    $total = $Shape.Count * $Cases.Count
    $n = 0
    foreach ($shapeName in $Shape) { $results[$shapeName] = @{} }
    # The module's cases first, for every shape, then Invoke-RestMethod's: a process of 4 to 21 GB
    # leaves this VM slower for the next minutes (a CSV export 20 % slower after 20 GB were touched
    # and freed), which would fall on whichever of the module's cases came after it.
    $phases = @(
        , @($Cases | Where-Object { $_.Tool -ne 'InvokeRestMethod' })
        , @($Cases | Where-Object { $_.Tool -eq 'InvokeRestMethod' })
    )
    foreach ($phase in $phases) {
        foreach ($shapeName in $Shape) {
            $done = @{}
            foreach ($case in $phase) {
                if ($done.ContainsKey((Get-CaseKey $case))) { continue }
                $group = @(if ($case.ContainsKey('Together')) { $phase | Where-Object { $_.ContainsKey('Together') -and $_.Together -eq $case.Together } } else { $case })
                $keys = @($group | ForEach-Object { Get-CaseKey $_ })
                foreach ($key in $keys) { $done[$key] = $true }
                $label = '[{0}/{1}]' -f (@(for ($i = 1; $i -le $keys.Count; $i++) { $n + $i }) -join ','), $total
                $n += $keys.Count
                try {
                    $groupResults = Invoke-BenchCases $group $shapeName $simulator.BaseUri $label
                    foreach ($key in $keys) { $results[$shapeName][$key] = $groupResults[$key] }
                }
                catch {
                    # Out of memory for Invoke-RestMethod, say: the other cases still tell something.
                    Write-Host "    failed: $_" -ForegroundColor Red
                    foreach ($key in $keys) {
                        $failures.Add("$shapeName $key`: $_")
                        $results[$shapeName][$key] = $null
                    }
                }
            }
        }
    }
}
catch {
    Write-Host "The benchmark could not run: $_" -ForegroundColor Red
    exit 1
}
finally {
    Stop-Simulator $simulator
}

$lines = New-Object System.Collections.Generic.List[string]
$lines.Add(('{0} rows (and {1} for flatness) of the simulator''s bulk_<shape>_<rows> on 127.0.0.1; PowerShell {2}, {3} logical processors, {4}.' -f
        (Format-Count $Rows), (Format-Count $smallRows), $PSVersionTable.PSVersion, [Environment]::ProcessorCount,
        [System.Runtime.InteropServices.RuntimeInformation]::OSDescription.Trim()))
$lines.Add('')
$lines.Add('| shape | pipeline | rows | time | rows/s | peak memory | first row |')
$lines.Add('|---|---|---:|---:|---:|---:|---:|')
foreach ($shapeName in $results.Keys) {
    foreach ($case in $Cases) {
        $result = $results[$shapeName][(Get-CaseKey $case)]
        if ($null -eq $result) {
            $lines.Add(('| {0} | `{1}` | | failed | | | |' -f $shapeName, (Get-PipelineText $case.Tool $case.Sink)))
            continue
        }
        if ($null -eq $result.Seconds) { continue }
        $time = (Format-Number $result.Seconds '0.00') + ' s'
        if ($result.PSObject.Properties['RunSeconds']) {
            $time = '{0} (median of {1})' -f $time, (@($result.RunSeconds | ForEach-Object { Format-Number $_ '0.00' }) -join ' / ')
        }
        $lines.Add(('| {0} | `{1}` | {2} | {3} | {4} | {5} MB | {6} ms |' -f $shapeName, (Get-PipelineText $result.Tool $result.Sink), (Format-Count $result.Rows),
                $time, (Format-Count ([long] ($result.Rows / $result.Seconds))),
                (Format-Number ($result.PeakBytes / 1MB) '0'), $(if ($null -eq $result.FirstRowMilliseconds) { '' } else { Format-Number $result.FirstRowMilliseconds '0' })))
    }
}
$lines.Add('')
$lines.Add('Shapes: ' + (@($results.Keys | ForEach-Object { '{0} ({1})' -f $_, $ShapeTexts[$_] }) -join '; ') + '.')
$lines.Add('Time: the pipeline alone, each case the first call of a fresh pwsh; the export cases at -Rows run nine times, CSV and JSON Lines in turn, and count with their median. First row, after the request''s start: for Get-MeetEngageData, of a further call after the timed one; for Invoke-RestMethod, when the call returns with the whole body parsed.')

$lines.Add('')
$lines.Add('| target | goal | ' + (@($results.Keys) -join ' | ') + ' |')
$lines.Add('|---|---|' + ('---|' * $results.Count))
$missed = 0
$checked = 0
foreach ($target in $Targets) {
    $cells = foreach ($shapeName in $results.Keys) {
        try { $verdict = & $target.Check $results[$shapeName] $target.Sink $target.Value }
        catch { $verdict = @{ Measured = "$_"; Met = $false } }
        $checked++
        if (-not $verdict.Met) { $missed++ }
        '{0} {1}' -f $(if ($verdict.Met) { 'PASS' } else { 'MISS' }), $verdict.Measured
    }
    $lines.Add(('| {0} | {1} | {2} |' -f $target.Name, $target.Goal, (@($cells) -join ' | ')))
}

Write-Host ''
foreach ($line in $lines) { Write-Host $line }
Write-Host ''
if ($missed -eq 0) {
    Write-Host "Every target met on every shape ($checked checks)." -ForegroundColor Green
}
else {
    Write-Host "$missed of $checked checks missed (timings move with the machine's load; see the table)." -ForegroundColor Yellow
}

$lines | Set-Content -Path (Join-Path $OutputFolder 'results.md') -Encoding utf8
@($results.Values | ForEach-Object { $_.Values } | Where-Object { $null -ne $_ }) |
    ConvertTo-Json | Set-Content -Path (Join-Path $OutputFolder 'results.json') -Encoding utf8
Write-Host "Written: $(Join-Path $OutputFolder 'results.md')"
if ($failures.Count -gt 0) {
    Write-Host "$($failures.Count) case(s) failed:" -ForegroundColor Red
    foreach ($failure in $failures) { Write-Host "    $failure" -ForegroundColor Red }
    exit 1
}
exit 0
