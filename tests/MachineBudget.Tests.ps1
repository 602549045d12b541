# The API key's budget across processes: the machine-wide rate-limit ledger (issue 14).
# Every process here points XDG_RUNTIME_DIR (LOCALAPPDATA on Windows) at a private folder, so no
# test touches the real user's ledger; a fresh folder per scenario keeps the scenarios apart.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $keys = 'together', 'verbose', 'stop', 'lock', 'dead', 'corrupt', 'unwritable' | ForEach-Object { '--key'; "$_-key:$_-secret:demo" }
    $script:Simulator = Start-TestSimulator -ArgumentList $keys
    $script:Scratch = Join-Path ([System.IO.Path]::GetTempPath()) "meetengage-machine-$PID"
    $null = New-Item -ItemType Directory -Path $script:Scratch -Force
    $script:Window = 5
    $script:Limit = 10

    function New-LedgerRoot([string] $Name) {
        $root = Join-Path $script:Scratch $Name
        $null = New-Item -ItemType Directory -Path $root -Force
        $root
    }

    function Get-LedgerEnvironment([string] $Root) {
        @{ XDG_RUNTIME_DIR = $Root; LOCALAPPDATA = $Root }
    }

    function Get-LedgerFile([string] $Root) {
        @(Get-ChildItem (Join-Path $Root 'MeetEngage') -Filter 'ratelimit-*.ledger')
    }

    # The script a child process runs: connect with one key, wait for the go file (so that the
    # processes really overlap), make -Count requests, then report its session's counters as JSON.
    function Get-ExporterScript([string] $Key, [int] $Count, [string] $GoFile, [string] $ReadyFile, [string] $LedgerRoot, [switch] $Verbose) {
        $verboseSwitch = if ($Verbose) { '-Verbose' } else { '' }
        $environment = if ($LedgerRoot) { "`$env:XDG_RUNTIME_DIR = '$LedgerRoot'; `$env:LOCALAPPDATA = '$LedgerRoot'" } else { '' }
        @"
`$ErrorActionPreference = 'Stop'
`$ProgressPreference = 'SilentlyContinue'
$environment
Import-Module '$($script:ModuleManifest)'
`$credential = New-Object System.Management.Automation.PSCredential('$Key-key', (ConvertTo-SecureString '$Key-secret' -AsPlainText -Force))
`$session = Connect-MeetEngage -Account demo -Credential `$credential -BaseUri '$($script:Simulator.BaseUri)' -SkipValidation -PassThru
if ('$ReadyFile') { `$null = New-Item -ItemType File -Path '$ReadyFile' }
while ('$GoFile' -and -not (Test-Path '$GoFile')) { Start-Sleep -Milliseconds 20 }
`$rows = 0
for (`$i = 0; `$i -lt $Count; `$i++) {
    Get-MeetEngageData custom_method_basic_info -From 2024-01-01 -To 2024-01-02 -Session `$session $verboseSwitch 4>&1 | ForEach-Object {
        if (`$_ -is [System.Management.Automation.VerboseRecord]) { 'VERBOSE: ' + `$_.Message } else { `$rows++ }
    }
}
'RESULT: ' + ([pscustomobject]@{ ProcessId = `$PID; Rows = `$rows; Requests = `$session.RequestCount; ThrottleWaits = `$session.ThrottleWaitCount; OtherProcessWaits = `$session.OtherProcessWaitCount; Retries = `$session.RetryCount } | ConvertTo-Json -Compress)
"@
    }

    # Starts a pwsh that runs $Script with $Environment added; its output goes to a file.
    function Start-ChildPwsh([string] $Script, [hashtable] $Environment, [string] $Name) {
        $host_ = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
        $info = New-Object System.Diagnostics.ProcessStartInfo
        $info.FileName = $host_
        $arguments = @()
        if ([System.IO.Path]::GetFileNameWithoutExtension($host_) -eq 'dotnet') { $arguments += "`"$(Join-Path $PSHOME 'pwsh.dll')`"" }
        $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($Script))
        $info.Arguments = ($arguments + @('-NoProfile', '-NonInteractive', '-EncodedCommand', $encoded)) -join ' '
        $info.UseShellExecute = $false
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        foreach ($name in $Environment.Keys) { $info.Environment[$name] = $Environment[$name] }
        $process = [System.Diagnostics.Process]::Start($info)
        [pscustomobject]@{
            Name    = $Name
            Process = $process
            Output  = $process.StandardOutput.ReadToEndAsync()
            Errors  = $process.StandardError.ReadToEndAsync()
        }
    }

    function Wait-ChildPwsh($Child, [int] $TimeoutSec = 180) {
        if (-not $Child.Process.WaitForExit($TimeoutSec * 1000)) {
            $Child.Process.Kill()
            throw "$($Child.Name) did not finish within $TimeoutSec s"
        }
        $lines = $Child.Output.Result -split "`r?`n" | Where-Object { $_ }
        [pscustomobject]@{
            Name     = $Child.Name
            ExitCode = $Child.Process.ExitCode
            Errors   = $Child.Errors.Result
            Verbose  = @($lines | Where-Object { $_ -like 'VERBOSE: *' } | ForEach-Object { $_.Substring(9) })
            Result   = $lines | Where-Object { $_ -like 'RESULT: *' } | ForEach-Object { $_.Substring(8) | ConvertFrom-Json }
        }
    }

    function Get-KeyRequest([string] $Key) {
        @(Get-SimulatorRequest $script:Simulator | Where-Object { $_.key -eq "$Key-key" -and $_.path -notlike '/_sim*' }) |
            Sort-Object { [datetimeoffset] $_.time }
    }

    # The most starts any rolling window of $Window seconds holds, from the simulator's log.
    function Get-MostStartsInAWindow($Requests) {
        $times = @($Requests | ForEach-Object { ([datetimeoffset] $_.time).UtcTicks })
        $most = 0
        for ($i = 0; $i -lt $times.Count; $i++) {
            $inWindow = @($times | Where-Object { $_ -ge $times[$i] -and $_ -lt $times[$i] + [timespan]::FromSeconds($script:Window).Ticks }).Count
            if ($inWindow -gt $most) { $most = $inWindow }
        }
        $most
    }

    function Connect-Key([string] $Name) {
        Connect-MeetEngage -Account demo -Credential (New-TestCredential "$Name-key" "$Name-secret") -BaseUri $script:Simulator.BaseUri -SkipValidation -PassThru
    }

    # Runs $Action in this process with the ledger pointed at $Root (the module resolves the folder
    # at a key's first request, so each scenario here uses a key of its own).
    function Invoke-WithLedgerRoot([string] $Root, [scriptblock] $Action) {
        $saved = $env:XDG_RUNTIME_DIR, $env:LOCALAPPDATA
        $env:XDG_RUNTIME_DIR = $Root
        $env:LOCALAPPDATA = $Root
        try { & $Action }
        finally { $env:XDG_RUNTIME_DIR, $env:LOCALAPPDATA = $saved }
    }
}

AfterAll {
    Stop-Simulator $script:Simulator
    Remove-Item $script:Scratch -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'One key, one budget on the whole machine' {
    It 'keeps three pwsh processes and a Start-Job on one key within 10 per 5 s, without a 429, at >= 90 % of that rate' {
        $root = New-LedgerRoot 'together'
        $go = Join-Path $root 'go'
        $perProcess = 12
        $children = 1..3 | ForEach-Object { Start-ChildPwsh -Script (Get-ExporterScript -Key together -Count $perProcess -GoFile $go -ReadyFile (Join-Path $root "ready-$_")) -Environment (Get-LedgerEnvironment $root) -Name "process $_" }
        $job = Start-Job -ScriptBlock ([scriptblock]::Create((Get-ExporterScript -Key together -Count $perProcess -GoFile $go -ReadyFile (Join-Path $root 'ready-job') -LedgerRoot $root)))
        try {
            # Every process connected before any starts (pwsh starts slowly on a busy machine).
            $deadline = [DateTime]::UtcNow.AddSeconds(120)
            while (@(Get-ChildItem $root -Filter 'ready-*').Count -lt 4 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
            $null = New-Item -ItemType File -Path $go
            $results = @($children | ForEach-Object { Wait-ChildPwsh $_ })
            $jobOutput = @($job | Wait-Job -Timeout 180 | Receive-Job)
        }
        finally {
            $children | Where-Object { -not $_.Process.HasExited } | ForEach-Object { $_.Process.Kill() }
            $job | Remove-Job -Force
        }

        $results | ForEach-Object { $_.Errors | Should -BeNullOrEmpty -Because $_.Name }
        $job.State | Should -Be 'Completed'
        $jobResult = $jobOutput | Where-Object { $_ -like 'RESULT: *' } | ForEach-Object { $_.Substring(8) | ConvertFrom-Json }
        $all = @($results.Result) + @($jobResult)
        $all.Count | Should -Be 4
        ($all.ProcessId | Sort-Object -Unique).Count | Should -Be 4

        $requests = Get-KeyRequest together
        $requests.Count | Should -Be (4 * $perProcess)
        @($requests | Where-Object { $_.status -ne 200 }).Count | Should -Be 0 -Because 'no request of the key may be refused (429)'
        ($all | Measure-Object -Property Retries -Sum).Sum | Should -Be 0
        $most = Get-MostStartsInAWindow $requests
        $most | Should -BeLessOrEqual $script:Limit

        # The fewest seconds 48 starts can take under "10 in any 5 s": 4 more windows after the first burst.
        $first = [datetimeoffset] $requests[0].time
        $last = [datetimeoffset] $requests[-1].time
        $span = ($last - $first).TotalSeconds
        $floor = [math]::Floor(($requests.Count - 1) / $script:Limit) * $script:Window
        $efficiency = $floor / $span
        Write-Host ("    {0} requests from 4 processes in {1:N2} s (floor {2} s): {3:P1} of the allowed rate; at most {4} in any {5} s; waits caused by another process: {6}" -f
            $requests.Count, $span, $floor, $efficiency, $most, $script:Window, ($all | Measure-Object -Property OtherProcessWaits -Sum).Sum)
        $efficiency | Should -BeGreaterOrEqual 0.9
        ($all | Measure-Object -Property OtherProcessWaits -Sum).Sum | Should -BeGreaterThan 0

        # Every process got its share: none starved.
        $all | ForEach-Object { $_.Requests | Should -Be $perProcess }

        $folder = Get-Item (Join-Path $root 'MeetEngage')
        if (-not $IsWindows) { [int] $folder.UnixFileMode | Should -Be 448 -Because 'the folder is owner-only (0700)' }
        $files = Get-LedgerFile $root
        $files.Count | Should -Be 1
        $files[0].Length | Should -Be 184
        $text = [System.Text.Encoding]::Latin1.GetString([System.IO.File]::ReadAllBytes($files[0].FullName))
        $text | Should -Not -Match 'together'
    }

    It 'says with -Verbose when a wait is caused by another process, and counts it on the session' {
        $root = New-LedgerRoot 'verbose'
        $spender = Wait-ChildPwsh (Start-ChildPwsh -Script (Get-ExporterScript -Key verbose -Count $script:Limit) -Environment (Get-LedgerEnvironment $root) -Name spender)
        $spender.Result.Requests | Should -Be $script:Limit

        $verbose = Invoke-WithLedgerRoot $root {
            $script:VerboseSession = Connect-Key verbose
            Get-MeetEngageData custom_method_basic_info -From 2024-01-01 -To 2024-01-02 -Session $script:VerboseSession -Verbose 4>&1 |
                Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        }

        ($verbose.Message -join "`n") | Should -Match "Waiting \d+\.\d+ s for the API key's rate limit: another process on this machine \(PID $($spender.Result.ProcessId)\) is using the same key\."
        $script:VerboseSession.OtherProcessWaitCount | Should -Be 1
        $script:VerboseSession.ThrottleWaitCount | Should -Be 1
        ($script:VerboseSession | Format-List | Out-String) | Should -Match 'OtherProcessWaitCount\s*:\s*1'
        @(Get-KeyRequest verbose | Where-Object { $_.status -ne 200 }).Count | Should -Be 0
    }

    It 'stops promptly (Ctrl+C) while waiting for another process''s reservations' {
        $root = New-LedgerRoot 'stop'
        $spender = Wait-ChildPwsh (Start-ChildPwsh -Script (Get-ExporterScript -Key stop -Count $script:Limit) -Environment (Get-LedgerEnvironment $root) -Name spender)
        $spender.Result.Requests | Should -Be $script:Limit
        $session = Connect-Key stop
        $saved = $env:XDG_RUNTIME_DIR, $env:LOCALAPPDATA
        $env:XDG_RUNTIME_DIR = $root
        $env:LOCALAPPDATA = $root
        $ps = [powershell]::Create()
        $null = $ps.AddScript('param($Manifest, $Session) Import-Module $Manifest; Get-MeetEngageData custom_method_basic_info -Session $Session').
            AddArgument($script:ModuleManifest).AddArgument($session)
        $async = $ps.BeginInvoke()
        try {
            Start-Sleep -Milliseconds 500
            $async.IsCompleted | Should -BeFalse -Because 'the budget is spent by the other process'

            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $stopped = $clock.Elapsed.TotalSeconds
            Write-Host ("    stopped a wait for another process's reservations in {0:N3} s" -f $stopped)

            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            $stopped | Should -BeLessThan 2
            (Get-KeyRequest stop).Count | Should -Be $script:Limit -Because 'the stopped request was never sent'
        }
        finally {
            $ps.Dispose()
            $env:XDG_RUNTIME_DIR, $env:LOCALAPPDATA = $saved
        }
    }
}

Describe 'Processes that die' {
    It 'goes on without the ledger while a process holds its lock, and with it again once that process is killed' {
        $root = New-LedgerRoot 'lock'
        $null = Wait-ChildPwsh (Start-ChildPwsh -Script (Get-ExporterScript -Key lock -Count 1) -Environment (Get-LedgerEnvironment $root) -Name creator)
        $ledger = (Get-LedgerFile $root)[0].FullName
        # A process that takes the ledger's lock (as the module does for its microseconds) and hangs.
        $marker = Join-Path $root 'held'
        $holder = Start-ChildPwsh -Script "`$f = [System.IO.File]::Open('$ledger', 'Open', 'ReadWrite', 'None'); `$null = New-Item -ItemType File -Path '$marker'; Start-Sleep -Seconds 300" -Environment @{} -Name holder
        try {
            $deadline = [DateTime]::UtcNow.AddSeconds(90)
            while (-not (Test-Path $marker) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            Test-Path $marker | Should -BeTrue -Because 'the holder must have the lock before the test goes on'

            $whileHeld = Invoke-WithLedgerRoot $root {
                $script:LockSession = Connect-Key lock
                Get-MeetEngageData custom_method_basic_info -From 2024-01-01 -To 2024-01-02 -Session $script:LockSession -Verbose 4>&1 |
                    Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
            }
            ($whileHeld.Message -join "`n") | Should -Match 'ledger was busy \(could not lock .* within 0\.5 s'

            $holder.Process.Kill()
            $null = $holder.Process.WaitForExit(10000)
            $afterKill = Get-MeetEngageData custom_method_basic_info -From 2024-01-01 -To 2024-01-02 -Session $script:LockSession -Verbose 4>&1 |
                Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        }
        finally {
            if (-not $holder.Process.HasExited) { $holder.Process.Kill() }
        }

        ($afterKill.Message -join "`n") | Should -Not -Match 'ledger was busy'
        @(Get-KeyRequest lock | Where-Object { $_.status -ne 200 }).Count | Should -Be 0
        # The killed holder's lock is gone: the ledger was updated again.
        [System.IO.File]::Open($ledger, 'Open', 'ReadWrite', 'None').Dispose()
    }

    It 'does not stall other processes past the window when a process is killed holding reservations' {
        $root = New-LedgerRoot 'dead'
        # Spends the budget, then waits (holding a reservation) for an eleventh call, and is killed.
        $victim = Start-ChildPwsh -Script (Get-ExporterScript -Key dead -Count ($script:Limit + 5)) -Environment (Get-LedgerEnvironment $root) -Name victim
        try {
            $deadline = [DateTime]::UtcNow.AddSeconds(90)
            while ((Get-KeyRequest dead).Count -lt $script:Limit -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            Start-Sleep -Milliseconds 500
            (Get-KeyRequest dead).Count | Should -Be $script:Limit -Because 'the victim is waiting for its eleventh call'
        }
        finally {
            $victim.Process.Kill()
            $null = $victim.Process.WaitForExit(10000)
        }
        $budgetSpent = [datetimeoffset] (Get-KeyRequest dead)[0].time

        Invoke-WithLedgerRoot $root {
            $session = Connect-Key dead
            for ($i = 0; $i -lt $script:Limit; $i++) {
                Get-MeetEngageData custom_method_basic_info -From 2024-01-01 -To 2024-01-02 -Session $session | Out-Null
            }
        }

        $mine = @(Get-KeyRequest dead | Select-Object -Skip $script:Limit)
        $mine.Count | Should -Be $script:Limit
        @($mine | Where-Object { $_.status -ne 200 }).Count | Should -Be 0
        # The dead process's reservations ran out with its window: ours began within that window
        # (plus the guard and a generous allowance for a busy machine), not after a stall.
        $resumedAfter = (([datetimeoffset] $mine[0].time) - $budgetSpent).TotalSeconds
        Write-Host ("    first request after the victim's budget: {0:N2} s later (window {1} s)" -f $resumedAfter, $script:Window)
        $resumedAfter | Should -BeLessThan ($script:Window + 3)
    }
}

Describe 'A ledger that cannot be trusted or a folder that cannot be used' {
    It 'rebuilds a <Case> ledger file and goes on' -TestCases @(
        @{ Case = 'garbage'; Bytes = [byte[]] (1..200 | ForEach-Object { 0xAB }) }
        @{ Case = 'truncated'; Bytes = [byte[]] @(0x4D, 0x45, 0x4C, 0x52, 1, 0) }
        @{ Case = 'empty JSON'; Bytes = [System.Text.Encoding]::ASCII.GetBytes('{}') }
    ) {
        $root = New-LedgerRoot "corrupt-$($Case -replace ' ')"
        $null = Wait-ChildPwsh (Start-ChildPwsh -Script (Get-ExporterScript -Key corrupt -Count 1) -Environment (Get-LedgerEnvironment $root) -Name creator)
        $ledger = (Get-LedgerFile $root)[0].FullName
        [System.IO.File]::WriteAllBytes($ledger, $Bytes)

        $child = Wait-ChildPwsh (Start-ChildPwsh -Script (Get-ExporterScript -Key corrupt -Count 2 -Verbose) -Environment (Get-LedgerEnvironment $root) -Name reader)

        $child.Errors | Should -BeNullOrEmpty
        $child.Result.Requests | Should -Be 2
        ($child.Verbose -join "`n") | Should -Match 'ledger .* was damaged or foreign and has been rebuilt'
        $bytes = [System.IO.File]::ReadAllBytes($ledger)
        $bytes.Length | Should -Be 184
        [System.Text.Encoding]::ASCII.GetString($bytes, 0, 4) | Should -Be 'MELR'
    }

    It 'keeps to the in-process limit with one verbose line when <Case>' -TestCases @(
        @{ Case = 'the folder cannot be created (XDG_RUNTIME_DIR under a file)'; Setup = 'file'; Expected = 'kept for this process only' }
        @{ Case = 'a link is planted where the folder should be'; Setup = 'link'; Expected = 'is a link, not a folder of this user''s own' }
        @{ Case = 'the folder is writable by every user'; Setup = 'world'; Expected = 'is writable by every user' }
    ) {
        if ($IsWindows -and $Setup -ne 'file') { Set-ItResult -Skipped -Because 'links and Unix modes are the Linux and macOS cases' ; return }
        $root = New-LedgerRoot "unusable-$Setup"
        $elsewhere = New-LedgerRoot "elsewhere-$Setup"
        switch ($Setup) {
            # Tests run as root here, and root ignores permissions: a path under a plain file
            # cannot be a folder for anyone.
            'file' { Set-Content -Path (Join-Path $root 'plain-file') -Value ''; $root = Join-Path $root 'plain-file/runtime' }
            'link' { $null = New-Item -ItemType SymbolicLink -Path (Join-Path $root 'MeetEngage') -Target $elsewhere }
            'world' { [System.IO.File]::SetUnixFileMode($root, [System.IO.UnixFileMode] 1023) }
        }

        $child = Wait-ChildPwsh (Start-ChildPwsh -Script (Get-ExporterScript -Key unwritable -Count 3 -Verbose) -Environment (Get-LedgerEnvironment $root) -Name limited)

        $child.Errors | Should -BeNullOrEmpty
        $child.ExitCode | Should -Be 0
        $child.Result.Requests | Should -Be 3
        $notices = @($child.Verbose | Where-Object { $_ -like '*machine-wide*' })
        $notices.Count | Should -Be 1
        $notices[0] | Should -BeLike "*$Expected*"
        @(Get-ChildItem $elsewhere).Count | Should -Be 0
        if ($Setup -eq 'world') { Test-Path (Join-Path $root 'MeetEngage') | Should -BeFalse }
    }
}
