<#
.SYNOPSIS
    One case of the benchmark, run by .build/Bench.ps1 in a fresh PowerShell so that each case
    starts from the same cold process and its peak memory is its own.

.DESCRIPTION
    Reads bulk_<Shape>_<Rows> from the simulator either with Get-MeetEngageData or the way users do without
    the module, (Invoke-RestMethod ...).output, into Measure-Object or Export-Csv. Only the pipeline
    is timed (not PowerShell's start, the import or Connect-MeetEngage). Writes one JSON object to
    -ResultPath: seconds, rows counted, CSV lines, peak working set, and when the first row reached
    the pipeline. For Get-MeetEngageData the first-row times come from one more call after the timed
    one (warm, as any call of a session after its first), or, with -FirstRowOnly, from the first
    call of the process alone (cold): from the request's start, and from the response headers to
    the first row. Invoke-RestMethod gives no row before the whole body is parsed, so its first row
    is the end of that call.
#>
param(
    [Parameter(Mandatory)] [ValidateSet('MeetEngage', 'InvokeRestMethod')] [string] $Tool,
    [Parameter(Mandatory)] [ValidateSet('MeasureObject', 'ExportCsv')] [string] $Sink,
    [Parameter(Mandatory)] [ValidateSet('narrow', 'medium', 'wide', 'nested', 'flat')] [string] $Shape,
    [Parameter(Mandatory)] [int] $Rows,
    [Parameter(Mandatory)] [string] $BaseUri,
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $CsvPath,
    [Parameter(Mandatory)] [string] $ResultPath,

    # Get-MeetEngageData only: just the time to the first row, as the first call of the process.
    [switch] $FirstRowOnly
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

# The simulator's demo key pair (tests/MeetEngage.Simulator/README.md).
$credential = New-Object System.Management.Automation.PSCredential('demo-key', (ConvertTo-SecureString 'demo-secret' -AsPlainText -Force))
$dataMethod = "bulk_$($Shape)_$Rows"
$result = [ordered]@{
    Tool                          = $Tool
    Shape                         = $Shape
    Sink                          = $Sink
    Rows                          = $Rows
    Seconds                       = $null
    Counted                       = $null
    CsvLines                      = $null
    PeakBytes                     = $null
    FirstRowMilliseconds          = $null
    HeadersToFirstRowMilliseconds = $null
}
if (Test-Path $CsvPath) { Remove-Item $CsvPath }

# When the first row of a call reaches the pipeline: from the request's start, and from the
# response headers (the module's debug message that the response arrived). Select-Object -First 1
# stops the download after that row.
function Measure-FirstRow {
    $marks = @{ Headers = $null; FirstRow = $null }
    $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
    $null = & { $DebugPreference = 'Continue'; Get-MeetEngageData -DataMethod $dataMethod } 5>&1 | ForEach-Object {
        if ($_ -is [System.Management.Automation.DebugRecord]) {
            if ($null -eq $marks.Headers -and $_.Message -match '^GET \S+: \d{3} ') { $marks.Headers = $stopwatch.Elapsed }
        }
        elseif ($null -eq $marks.FirstRow) {
            $marks.FirstRow = $stopwatch.Elapsed
            $_
        }
    } | Select-Object -First 1
    if ($null -ne $marks.FirstRow) {
        $result.FirstRowMilliseconds = $marks.FirstRow.TotalMilliseconds
        if ($null -ne $marks.Headers) {
            $result.HeadersToFirstRowMilliseconds = ($marks.FirstRow - $marks.Headers).TotalMilliseconds
        }
    }
}

if ($Tool -eq 'MeetEngage') {
    Import-Module $ModuleManifest
    Connect-MeetEngage -Account demo -Credential $credential -BaseUri $BaseUri

    if ($FirstRowOnly) {
        # The first call of a fresh process: everything still to be compiled.
        Measure-FirstRow
    }
    else {
        $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
        if ($Sink -eq 'MeasureObject') {
            $result.Counted = (Get-MeetEngageData -DataMethod $dataMethod | Measure-Object).Count
        }
        else {
            Get-MeetEngageData -DataMethod $dataMethod | Export-Csv -Path $CsvPath -NoTypeInformation
        }
        $result.Seconds = $stopwatch.Elapsed.TotalSeconds
        $result.PeakBytes = [System.Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64

        # Warm, as every call of a session after its first.
        Measure-FirstRow
    }
    Disconnect-MeetEngage
}
else {
    $uri = "$BaseUri/organisation_data?account=demo&data_method=$dataMethod"
    $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
    # What users write is (Invoke-RestMethod ...).output | ...: the same work, split to see when
    # the first row could reach the pipeline.
    $response = Invoke-RestMethod -Uri $uri -Credential $credential -Authentication Basic -AllowUnencryptedAuthentication
    $result.FirstRowMilliseconds = $stopwatch.Elapsed.TotalMilliseconds
    if ($Sink -eq 'MeasureObject') {
        $result.Counted = ($response.output | Measure-Object).Count
    }
    else {
        $response.output | Export-Csv -Path $CsvPath -NoTypeInformation
    }
    $result.Seconds = $stopwatch.Elapsed.TotalSeconds
    $result.PeakBytes = [System.Diagnostics.Process]::GetCurrentProcess().PeakWorkingSet64
    $response = $null
}

if ($Sink -eq 'ExportCsv' -and -not $FirstRowOnly) {
    # Not timed: the header line plus one line per row (no bulk shape holds a line break).
    $lines = 0
    $reader = New-Object System.IO.StreamReader($CsvPath)
    try {
        while ($null -ne $reader.ReadLine()) { $lines++ }
    }
    finally {
        $reader.Dispose()
    }
    $result.CsvLines = $lines
    $result.Counted = $lines - 1
}

[pscustomobject] $result | ConvertTo-Json | Set-Content -Path $ResultPath -Encoding utf8
