BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    # A key per scenario: the module's limiter is process-wide per key, so scenarios that
    # measure it must not share a key with calls made by other tests.
    $keys = 'sequential', 'parallel', 'retry', 'stop', 'verbose' | ForEach-Object { "--key"; "$_-key:$_-secret:demo" }
    $script:Simulator = Start-TestSimulator -ArgumentList $keys

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

    It 'makes 25 sequential calls without one 429, close to the 10 s floor of 10 calls per 5 s' {
        $session = Connect-Key 'sequential'
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        for ($i = 0; $i -lt 25; $i++) {
            Get-MeetEngageData custom_method_basic_info -From 2024-01-01 -To 2024-01-02 -Session $session | Out-Null
        }
        $elapsed = $clock.Elapsed.TotalSeconds
        Write-Host ("    25 calls took {0:N2} s (floor 10 s: calls 21-25 may start only 10 s after calls 1-5)" -f $elapsed)

        Get-StatusCount 429 | Should -Be 0
        Get-StatusCount 200 | Should -Be 25
        $session.RequestCount | Should -Be 25
        $session.ThrottleWaitCount | Should -BeGreaterThan 0
        # The floor proves the limiter waits; the ceiling proves it does not waste the budget
        # (a fixed-window limiter would need 15 s).
        $elapsed | Should -BeGreaterOrEqual 10
        $elapsed | Should -BeLessThan 14
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
        1..10 | ForEach-Object { Test-MeetEngageAccess -Session $session | Out-Null }

        $verbose = Test-MeetEngageAccess -Session $session -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }

        ($verbose.Message -join "`n") | Should -Match "Waiting \d+\.\d+ s for the API key's rate limit \(10 calls per 5 s\)"
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
        @{ Case = 'waiting for the key''s rate limiter'; Fault = $null }
    ) {
        $session = Connect-Key 'stop'
        if ($Fault) {
            Add-SimulatorFault $script:Simulator $Fault
        }
        else {
            # Spend the key's budget so that the next call must wait about 5 s.
            1..10 | ForEach-Object { Test-MeetEngageAccess -Session $session | Out-Null }
            Reset-Simulator $script:Simulator
        }
        $ps = [powershell]::Create()
        $null = $ps.AddScript('param($Manifest, $Session) Import-Module $Manifest; Get-MeetEngageData custom_method_basic_info -Session $Session').
            AddArgument($script:ModuleManifest).AddArgument($session)
        $async = $ps.BeginInvoke()
        try {
            $deadline = [DateTime]::UtcNow.AddSeconds(20)
            while ($Fault -and (Get-SimulatorRequest $script:Simulator).Count -lt 1 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            Start-Sleep -Milliseconds 500
            $async.IsCompleted | Should -BeFalse

            $clock = [System.Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $stopped = $clock.Elapsed.TotalSeconds
            Write-Host ("    stopped {0} in {1:N3} s" -f $Case, $stopped)

            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            $stopped | Should -BeLessThan 5
            if (-not $Fault) { (Get-SimulatorRequest $script:Simulator).Count | Should -Be 0 }
        }
        finally {
            $ps.Dispose()
        }
    }
}
