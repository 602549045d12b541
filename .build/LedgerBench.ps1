<#
.SYNOPSIS
    build.ps1 -Task Bench, last part: what the machine-wide rate-limit ledger costs a request.

.DESCRIPTION
    Runs in a fresh pwsh with the built module. Every request pays one reservation in the ledger
    (open the file with an exclusive lock, read 184 bytes, write them back, close) and, once its
    headers are back, one restamp of the same kind. This times both, -Count times, on a ledger in
    a private folder under the output folder with a window so short that no reservation waits: the
    figures are the ledger's own cost, not the rate limit's waits. The issue's target is "a few
    milliseconds per request at most". Prints the figures and writes them to <OutputFolder>/ledger.json.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $OutputFolder,
    [ValidateRange(100, 1000000)] [int] $Count = 2000
)
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

Import-Module $ModuleManifest
$assembly = [System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'MeetEngage' } | Select-Object -First 1
$ledgerType = $assembly.GetType('MeetEngage.Throttling.MachineLedger', $true)
$reserve = $ledgerType.GetMethod('Reserve')
$restamp = $ledgerType.GetMethod('Restamp')

$folder = Join-Path $OutputFolder 'ledger'
if (Test-Path $folder) { Remove-Item -Recurse -Force $folder }
$null = New-Item -ItemType Directory -Force $folder
$path = Join-Path $folder 'ratelimit-bench.ledger'
# (string) and (int): the constructor must get the .NET values, not PowerShell's wrappers of them.
$arguments = [object[]] @([string] $path, [int] 10, [TimeSpan]::FromTicks(1), [TimeSpan]::Zero, [TimeSpan]::FromMilliseconds(500))
$ledger = $ledgerType.GetConstructors()[0].Invoke($arguments)
$none = [System.Threading.CancellationToken]::None

# Warm up (JIT, the file's creation), then time each request's two updates on their own.
for ($i = 0; $i -lt 50; $i++) {
    $r = $reserve.Invoke($ledger, [object[]] @([DateTime]::UtcNow, [int] $PID, $none))
    $null = $restamp.Invoke($ledger, [object[]] @([long] $r.StartUtcTicks, [int] $PID, [DateTime]::UtcNow))
}
if (-not $r.StartUtcTicks) { throw 'The ledger made no reservation: nothing would be measured.' }
$micros = New-Object 'System.Collections.Generic.List[double]'
$clock = New-Object System.Diagnostics.Stopwatch
for ($i = 0; $i -lt $Count; $i++) {
    $clock.Restart()
    $r = $reserve.Invoke($ledger, [object[]] @([DateTime]::UtcNow, [int] $PID, $none))
    $null = $restamp.Invoke($ledger, [object[]] @([long] $r.StartUtcTicks, [int] $PID, [DateTime]::UtcNow))
    $clock.Stop()
    $micros.Add($clock.Elapsed.TotalMilliseconds * 1000)
}
$sorted = $micros.ToArray()
[Array]::Sort($sorted)
$result = [pscustomobject]@{
    Requests     = $Count
    MeanMicros   = [math]::Round(($sorted | Measure-Object -Average).Average, 1)
    MedianMicros = [math]::Round($sorted[[int]($Count / 2)], 1)
    P99Micros    = [math]::Round($sorted[[int]($Count * 0.99)], 1)
    MaxMicros    = [math]::Round($sorted[-1], 1)
    TargetMicros = 3000
}
$result | ConvertTo-Json | Set-Content -Path (Join-Path $OutputFolder 'ledger.json') -Encoding utf8
$verdict = if ($result.P99Micros -le $result.TargetMicros) { 'PASS' } else { 'FAIL' }
Write-Host ''
Write-Host 'Machine-wide rate-limit ledger, per request (reserve + restamp, each under the file lock):'
Write-Host ('  {0} requests: mean {1} us, median {2} us, 99th percentile {3} us, max {4} us' -f $result.Requests, $result.MeanMicros, $result.MedianMicros, $result.P99Micros, $result.MaxMicros)
Write-Host ('  {0}  99th percentile <= {1} us (a few ms per request at most)' -f $verdict, $result.TargetMicros)
Remove-Item -Recurse -Force $folder
