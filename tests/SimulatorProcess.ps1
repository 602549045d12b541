# Starting and stopping the simulator (tests/MeetEngage.Simulator) from PowerShell: used by the
# Pester suite, the demo and the benchmark. Plain PowerShell that parses in 5.1.

function Start-Simulator {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $Path,
        [string[]] $ArgumentList = @(),
        [int] $StartTimeoutSec = 30
    )
    if (-not (Test-Path $Path)) { throw "The simulator is not built at $Path; run ./build.ps1 -Task Build." }
    $info = New-Object System.Diagnostics.ProcessStartInfo
    $info.FileName = 'dotnet'
    $arguments = @("`"$Path`"", '--port', '0', '--parent-pid', "$PID") + $ArgumentList
    $info.Arguments = $arguments -join ' '
    $info.UseShellExecute = $false
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.RedirectStandardInput = $true
    $process = [System.Diagnostics.Process]::Start($info)
    $errors = $process.StandardError.ReadToEndAsync()
    $line = $process.StandardOutput.ReadLineAsync()
    if (-not $line.Wait([TimeSpan]::FromSeconds($StartTimeoutSec)) -or -not $line.Result) {
        if (-not $process.HasExited) { $process.Kill() }
        throw "The simulator did not start: $($errors.Result)"
    }
    $baseUri = $line.Result.Trim()
    [pscustomobject]@{
        Process   = $process
        BaseUri   = $baseUri
        ServerUri = ([uri] $baseUri).GetLeftPart([UriPartial]::Authority)
    }
}

function Stop-Simulator {
    param($Simulator)
    if ($Simulator -and $Simulator.Process -and -not $Simulator.Process.HasExited) {
        $Simulator.Process.Kill()
        $null = $Simulator.Process.WaitForExit(5000)
    }
}
