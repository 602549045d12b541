BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    # A key per scenario: the module's limiter is process-wide per key, so scenarios that
    # measure it must not share a key with calls made by other tests.
    $keys = 'sequential', 'parallel', 'retry', 'stop', 'verbose' | ForEach-Object { "--key"; "$_-key:$_-secret:demo" }
    # The simulator counts 10 calls per 4.5 s, not the vendor's 5 s: it stamps a call when it
    # arrives, and on a busy machine a call can arrive later after it started than the module's
    # 150 ms guard allows for. Half a second of such jitter is not the limiter's fault; a client
    # that spaced its calls by less than 4.5 s would still meet 429s here.
    $script:RateWindowSeconds = 4.5
    $script:Simulator = Start-TestSimulator -ArgumentList ($keys + '--rate-window', "$script:RateWindowSeconds")

    function Connect-Key([string] $Name, [int] $TimeoutSec = 100, [int] $MaximumRetryCount = 4) {
        Connect-MeetEngage -Account demo -Credential (New-TestCredential "$Name-key" "$Name-secret") -BaseUri $script:Simulator.BaseUri `
            -SkipValidation -PassThru -TimeoutSec $TimeoutSec -MaximumRetryCount $MaximumRetryCount
    }

    function Get-Stats { Invoke-RestMethod "$($script:Simulator.ServerUri)/_sim/stats" }

    function Get-StatusCount([int] $Status) {
        $value = (Get-Stats).status."$Status"
        if ($null -eq $value) { 0 } else { [int] $value }
    }
}

AfterAll {
    Stop-Simulator $script:Simulator
}

Describe 'Keeping to the rate limit' {
    BeforeEach { Reset-Simulator $script:Simulator }

    It 'makes 25 sequential calls without one 429, never more than 10 arriving within a rate window' {
        $session = Connect-Key 'sequential'
        for ($i = 0; $i -lt 25; $i++) {
            Get-MeetEngageData custom_method_basic_info -From 2024-01-01 -To 2024-01-02 -Session $session | Out-Null
        }

        Get-StatusCount 429 | Should -Be 0
        Get-StatusCount 200 | Should -Be 25
        $session.RequestCount | Should -Be 25
        $session.ThrottleWaitCount | Should -BeGreaterThan 0
        # Spacing from the simulator's own log, not a stopwatch: a busy machine only spreads the
        # calls further apart (within the arrival jitter allowed for above). That the limiter
        # keeps exactly to 10 per 5 s and does not waste the budget is proven on a fake clock
        # (RateLimiterTests); how long a run takes belongs to build.ps1 -Task Bench.
        $arrivals = @(Get-SimulatorRequest $script:Simulator | ForEach-Object { [datetime] $_.time })
        $arrivals.Count | Should -Be 25
        for ($i = 10; $i -lt $arrivals.Count; $i++) {
            ($arrivals[$i] - $arrivals[$i - 10]).TotalSeconds | Should -BeGreaterOrEqual $script:RateWindowSeconds -Because "calls $($i - 10) and $i may not start within one rate window"
        }
    }

    It 'shares one key''s budget across three parallel runspaces without one 429' {
        $manifest = $script:ModuleManifest
        $uri = $script:Simulator.BaseUri
        $counts = 1..3 | ForEach-Object -ThrottleLimit 3 -Parallel {
            Import-Module $using:manifest
            $credential = New-Object pscredential('parallel-key', (ConvertTo-SecureString 'parallel-secret' -AsPlainText -Force))
            $session = Connect-MeetEngage -Account demo -Credential $credential -BaseUri $using:uri -SkipValidation -PassThru
            for ($i = 0; $i -lt 8; $i++) {
                @(Get-MeetEngageData custom_method_basic_info -From 2024-01-01 -To 2024-01-02 -Session $session).Count
            }
        }

        $counts.Count | Should -Be 24
        Get-StatusCount 429 | Should -Be 0
        Get-StatusCount 200 | Should -Be 24
    }

    It 'announces a wait for the limit with Write-Verbose' {
        $session = Connect-Key 'verbose'
        # Calls until one must wait for the limiter (normally the 11th): a machine too slow to
        # start 11 calls within 5 s makes a few more rather than failing.
        $waiting = $null
        for ($i = 0; $i -lt 40 -and -not $waiting; $i++) {
            $waiting = Test-MeetEngageAccess -Session $session -Verbose 4>&1 |
                Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match 'Waiting' }
        }

        ($waiting.Message -join "`n") | Should -Match "Waiting \d+\.\d+ s for the API key's rate limit \(10 calls per 5 s\)"
    }
}

Describe 'Retrying transient failures' {
    BeforeAll {
        $script:Session = Connect-Key 'retry'
        $script:Expected = @(Get-MeetEngageData custom_method_basic_info -Session $script:Session) | ForEach-Object { $_ | ConvertTo-Json -Compress }
    }

    BeforeEach { Reset-Simulator $script:Simulator }

    It 'writes every row exactly once after <Status> twice then success' -TestCases @(
        @{ Status = 503; RetryAfter = '1' }
        @{ Status = 500; RetryAfter = $null }
        @{ Status = 502; RetryAfter = $null }
        @{ Status = 408; RetryAfter = $null }
    ) {
        $fault = @{ kind = 'status'; status = $Status; count = 2 }
        if ($RetryAfter) { $fault.retryAfter = $RetryAfter }
        Add-SimulatorFault $script:Simulator $fault
        $retriesBefore = $script:Session.RetryCount

        $rows = @(Get-MeetEngageData custom_method_basic_info -Session $script:Session) | ForEach-Object { $_ | ConvertTo-Json -Compress }

        $rows | Should -Be $script:Expected
        (Get-SimulatorRequest $script:Simulator).status | Should -Be @($Status, $Status, 200)
        $script:Session.RetryCount - $retriesBefore | Should -Be 2
    }

    It 'waits as long as Retry-After says (<Form>) and then succeeds' -TestCases @(
        @{ Form = 'seconds'; Value = '2' }
        @{ Form = 'HTTP date'; Value = 'date' }
    ) {
        if ($Value -eq 'date') { $Value = [DateTime]::UtcNow.AddSeconds(3).ToString('r') }
        Add-SimulatorFault $script:Simulator @{ kind = 'status'; status = 429; retryAfter = $Value }
        $clock = [System.Diagnostics.Stopwatch]::StartNew()

        $rows = @(Get-MeetEngageData custom_method_basic_info -Session $script:Session)

        $clock.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 1.9
        $rows.Count | Should -Be $script:Expected.Count
        $requests = Get-SimulatorRequest $script:Simulator
        $requests.status | Should -Be @(429, 200)
        ([datetime] $requests[1].time - [datetime] $requests[0].time).TotalSeconds | Should -BeGreaterOrEqual 1.9
    }

    It 'never retries <Status>' -TestCases @(
        @{ Status = 400; Id = 'BadRequest'; Category = 'InvalidArgument' }
        @{ Status = 401; Id = 'AuthenticationFailed'; Category = 'AuthenticationError' }
        @{ Status = 403; Id = 'AccessDenied'; Category = 'PermissionDenied' }
        @{ Status = 404; Id = 'NotFound'; Category = 'ObjectNotFound' }
    ) {
        Add-SimulatorFault $script:Simulator @{ kind = 'status'; status = $Status; count = 5 }

        $problem = $null
        try { Get-MeetEngageData custom_method_basic_info -Session $script:Session -ErrorAction Stop } catch { $problem = $_ }

        $problem.FullyQualifiedErrorId | Should -BeLike "MeetEngage.$Id,*"
        $problem.CategoryInfo.Category | Should -Be $Category
        (Get-SimulatorRequest $script:Simulator).Count | Should -Be 1
    }

    It 'gives up after -MaximumRetryCount retries with a ConnectionError naming the status' {
        $session = Connect-Key 'retry' -MaximumRetryCount 1
        Add-SimulatorFault $script:Simulator @{ kind = 'status'; status = 500; count = 5 }

        $problem = $null
        try { Get-MeetEngageData custom_method_basic_info -Session $session -ErrorAction Stop } catch { $problem = $_ }

        $problem.FullyQualifiedErrorId | Should -BeLike 'MeetEngage.ServerError,*'
        $problem.CategoryInfo.Category | Should -Be 'ConnectionError'
        $problem.Exception.Message | Should -Match '500'
        (Get-SimulatorRequest $script:Simulator).Count | Should -Be 2
    }

    It 'reports throttling that outlasts the retries as LimitsExceeded' {
        $session = Connect-Key 'retry' -MaximumRetryCount 1
        Add-SimulatorFault $script:Simulator @{ kind = 'status'; status = 429; retryAfter = '1'; count = 5 }

        $problem = $null
        try { Get-MeetEngageData custom_method_basic_info -Session $session -ErrorAction Stop } catch { $problem = $_ }

        $problem.FullyQualifiedErrorId | Should -BeLike 'MeetEngage.RateLimited,*'
        $problem.CategoryInfo.Category | Should -Be 'LimitsExceeded'
    }

    It 'retries a connection dropped before the first row, and writes every row once' {
        Add-SimulatorFault $script:Simulator @{ kind = 'reset'; afterRows = 0 }

        $rows = @(Get-MeetEngageData custom_method_basic_info -Session $script:Session) | ForEach-Object { $_ | ConvertTo-Json -Compress }

        $rows | Should -Be $script:Expected
        (Get-SimulatorRequest $script:Simulator).Count | Should -Be 2
    }
}

Describe 'Responses that break off' {
    BeforeAll { $script:Session = Connect-Key 'retry' }
    BeforeEach { Reset-Simulator $script:Simulator }

    It 'is an error that counts the rows written, never a short success, when <Case>' -TestCases @(
        @{ Case = 'the body ends before the JSON closes'; Fault = @{ kind = 'truncate'; afterRows = 3 }; Id = 'TruncatedResponse' }
        @{ Case = 'the connection drops mid-body'; Fault = @{ kind = 'reset'; afterRows = 3 }; Id = '*' }
    ) {
        Add-SimulatorFault $script:Simulator $Fault

        $rows = @(Get-MeetEngageData custom_method_basic_info -Session $script:Session -ErrorVariable problems -ErrorAction SilentlyContinue)

        $rows.Count | Should -Be 3
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike "MeetEngage.$Id,*"
        $problems[0].Exception.Message | Should -Match '3 rows had been written; the data is incomplete'
        (Get-SimulatorRequest $script:Simulator).Count | Should -Be 1
    }

    It 'is a Timeout error within seconds when the server stalls mid-body (-TimeoutSec 3)' {
        $session = Connect-Key 'retry' -TimeoutSec 3
        Add-SimulatorFault $script:Simulator @{ kind = 'stall'; afterRows = 2; seconds = 60 }
        $clock = [System.Diagnostics.Stopwatch]::StartNew()

        $rows = @(Get-MeetEngageData custom_method_basic_info -Session $session -ErrorVariable problems -ErrorAction SilentlyContinue)
        $elapsed = $clock.Elapsed.TotalSeconds
        Write-Host ("    a stalled body was reported after {0:N1} s" -f $elapsed)

        $rows.Count | Should -Be 2
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'MeetEngage.Timeout,*'
        $problems[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
        $elapsed | Should -BeLessThan 30
    }

    It 'bounds a server that never sends headers by -TimeoutSec, then retries' {
        $session = Connect-Key 'retry' -TimeoutSec 2
        Add-SimulatorFault $script:Simulator @{ kind = 'delay'; seconds = 10 }

        $rows = @(Get-MeetEngageData custom_method_basic_info -Session $session)

        $rows.Count | Should -Be 200
        $session.RetryCount | Should -Be 1
    }
}

Describe 'Stopping (Ctrl+C)' {
    BeforeEach { Reset-Simulator $script:Simulator }

    It 'stops a pipeline <Case> promptly when stopped from another thread' -TestCases @(
        @{ Case = 'waiting on a stalled download'; Fault = @{ kind = 'stall'; afterRows = 1; seconds = 60 } }
        @{ Case = 'sleeping for Retry-After'; Fault = @{ kind = 'status'; status = 429; retryAfter = '60' } }
        @{ Case = 'waiting for the headers'; Fault = @{ kind = 'delay'; seconds = 60 } }
    ) {
        $session = Connect-Key 'stop'
        Add-SimulatorFault $script:Simulator $Fault
        $ps = [powershell]::Create()
        $null = $ps.AddScript('param($Manifest, $Session) Import-Module $Manifest; Get-MeetEngageData custom_method_basic_info -Session $Session').
            AddArgument($script:ModuleManifest).AddArgument($session)
        $async = $ps.BeginInvoke()
        try {
            $deadline = [DateTime]::UtcNow.AddSeconds(20)
            while ((Get-SimulatorRequest $script:Simulator).Count -lt 1 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            Start-Sleep -Milliseconds 500
            $async.IsCompleted | Should -BeFalse

            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $stopped = $clock.Elapsed.TotalSeconds
            Write-Host ("    stopped {0} in {1:N3} s" -f $Case, $stopped)

            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            # Each fault lasts 60 s: a stop that came back within half of that cut the wait short.
            # How fast a stop is on a quiet machine is what the line above prints, not a test.
            $stopped | Should -BeLessThan 30
        }
        finally {
            $ps.Dispose()
        }
    }

    It 'stops a pipeline waiting for the key''s rate limiter before it sends anything' {
        $session = Connect-Key 'stop'
        $ps = [powershell]::Create()
        $null = $ps.AddScript('param($Manifest) Import-Module $Manifest').AddArgument($script:ModuleManifest)
        $null = $ps.Invoke()
        $ps.Commands.Clear()
        $null = $ps.AddScript('param($Session) Get-MeetEngageData custom_method_basic_info -Session $Session -Verbose').AddArgument($session)

        # Spend the key's budget, then start the pipeline that must wait for it. The limiter
        # announces its wait on the verbose stream before it waits: that, not a sleep, says the
        # pipeline is waiting. The rows of the calls that spent the budget are not this test's.
        1..10 | ForEach-Object { Test-MeetEngageAccess -Session $session | Out-Null }
        Reset-Simulator $script:Simulator
        $async = $ps.BeginInvoke()
        try {
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            $announced = $null
            while (-not $async.IsCompleted -and [DateTime]::UtcNow -lt $deadline -and -not $announced) {
                $announced = $ps.Streams.Verbose | Where-Object Message -match "^Waiting (\d+\.\d+) s for the API key's rate limit" | Select-Object -First 1
                if (-not $announced) { Start-Sleep -Milliseconds 20 }
            }
            $seen = [System.Diagnostics.Stopwatch]::StartNew()
            if (-not $announced) {
                # Only a machine too slow to make 10 calls within 5 s gets here: nothing to stop.
                Set-ItResult -Inconclusive -Because 'the budget was not spent when the pipeline started (the calls that spend it took over 5 s)'
                return
            }
            $null = $announced.Message -match '^Waiting (\d+\.\d+) s'
            $wait = [double]::Parse($Matches[1], [cultureinfo]::InvariantCulture)

            $ps.Stop()
            if ($seen.Elapsed.TotalSeconds -ge $wait) {
                Set-ItResult -Inconclusive -Because "stopping took longer than the $wait s left to wait, so the request may rightly have gone out"
                return
            }

            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            (Get-SimulatorRequest $script:Simulator).Count | Should -Be 0
        }
        finally {
            $ps.Dispose()
        }
    }
}
