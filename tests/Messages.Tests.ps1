# What the module says: warnings before long chunk plans, verbose notes on converted dates, and
# error messages that count and name the right things.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Simulator = Start-TestSimulator

    function Get-DataRequest { @(Get-SimulatorRequest $script:Simulator | Where-Object { $_.path -like '*/organisation_data' }) }
}

AfterAll {
    Disconnect-MeetEngage
    Stop-Simulator $script:Simulator
}

Describe 'A large chunk plan' {
    BeforeEach {
        Reset-Simulator $script:Simulator
    }

    It 'is announced with a warning before the first request, with the request count and the least time, and still runs' {
        # A wrong secret: the first request ends the command (401), which shows it went on after warning.
        $bad = Connect-MeetEngage -Account demo -Credential (New-TestCredential -Secret 'wrong') -BaseUri $script:Simulator.BaseUri -SkipValidation -PassThru
        $warnings = $null
        $caught = $null
        try { Get-MeetEngageData -Session $bad -From 2000-01-01 -To 2024-01-01 -ChunkDays 7 -WarningVariable warnings -WarningAction SilentlyContinue }
        catch { $caught = $_ }

        $caught.FullyQualifiedErrorId | Should -BeLike 'MeetEngage.AuthenticationFailed*'

        $warnings.Count | Should -Be 1
        "$($warnings[0])" | Should -Match '1,253 requests'
        "$($warnings[0])" | Should -Match 'at least 1[01] min'
        "$($warnings[0])" | Should -Match '10 calls per 5 s'
        (Get-DataRequest).Count | Should -Be 1
        Disconnect-MeetEngage -Session $bad
    }

    It 'is not warned about below <Threshold> requests' -TestCases @(@{ Threshold = 500 }) {
        $session = Connect-MeetEngage -Account demo -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri -SkipValidation -PassThru
        $warnings = $null
        Get-MeetEngageData -Session $session -From 2024-01-01 -To 2024-01-04 -ChunkDays 1 -WarningVariable warnings | Out-Null
        $warnings | Should -BeNullOrEmpty
        Disconnect-MeetEngage -Session $session
    }
}

Describe 'Dates' {
    BeforeAll {
        Connect-MeetEngage -Account demo -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri -SkipValidation
    }

    It 'says -To, not -From, when -To is before 1970 (-To 0)' {
        $thrown = { Get-MeetEngageData -To 0 } | Should -Throw -ErrorId 'MeetEngage.InvalidDate*' -PassThru
        $thrown.Exception.Message | Should -Match '-To'
        $thrown.Exception.Message | Should -Not -Match '-From'
        $thrown.TargetObject | Should -Be ([datetime]0)
    }

    It 'says -From when -From is before 1970' {
        $thrown = { Get-MeetEngageData -From 1969-06-01 } | Should -Throw -ErrorId 'MeetEngage.InvalidDate*' -PassThru
        $thrown.Exception.Message | Should -Match 'omit -From'
    }

    It 'says in the verbose output when a local date is not a UTC midnight (TZ=Asia/Tokyo)' {
        $script = @"
`$credential = New-Object System.Management.Automation.PSCredential('demo-key', (ConvertTo-SecureString 'demo-secret' -AsPlainText -Force))
Connect-MeetEngage -Account demo -Credential `$credential -BaseUri '$($script:Simulator.BaseUri)'
`$rows = Get-MeetEngageData -From ([datetime]::new(2024, 1, 2, 0, 0, 0, [DateTimeKind]::Local)) -To ([datetime]::new(2024, 1, 3, 0, 0, 0, [DateTimeKind]::Local)) -Verbose 4>&1
`$rows | Where-Object { `$_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object { 'VERBOSE: ' + `$_.Message }
'ROWS: ' + @(`$rows | Where-Object { `$_ -isnot [System.Management.Automation.VerboseRecord] }).Count
"@
        $output = @(Invoke-FreshPwsh $script -Environment @{ TZ = 'Asia/Tokyo' } | ForEach-Object { "$_" })

        $output | Should -Contain 'ROWS: 6'
        $from = $output | Where-Object { $_ -like 'VERBOSE: -From *' }
        $from | Should -Match '-From 2024-01-02 00:00:00 \(local time, UTC\+09:00\) is 2024-01-01 15:00:00Z, not a UTC midnight'
        $from | Should -Match 'from 2024-01-01 00:00Z'
        $to = $output | Where-Object { $_ -like 'VERBOSE: -To *' }
        $to | Should -Match '-To 2024-01-03 00:00:00 \(local time, UTC\+09:00\) is 2024-01-02 15:00:00Z'
        $to | Should -Match 'up to 2024-01-03 00:00Z'
    }

    It 'says nothing of the kind for UTC midnights' {
        $verbose = @(Get-MeetEngageData -From 2024-01-02 -To 2024-01-03 -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        $verbose | Where-Object { $_.Message -like '*not a UTC midnight*' } | Should -BeNullOrEmpty
    }
}

Describe 'Retry messages' {
    BeforeEach {
        Reset-Simulator $script:Simulator
    }

    It 'count the retries of this request, not of the session (<Calls> calls, -MaximumRetryCount 1)' -TestCases @(@{ Calls = 3 }) {
        $session = Connect-MeetEngage -Account demo -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri -MaximumRetryCount 1 -PassThru
        Add-SimulatorFault $script:Simulator @{ kind = 'status'; status = 500; count = 2 * $Calls }

        for ($i = 1; $i -le $Calls; $i++) {
            $thrown = { Get-MeetEngageData -Session $session -ErrorAction Stop } | Should -Throw -ErrorId 'MeetEngage.ServerError*' -PassThru
            $thrown.Exception.Message | Should -Match 'Gave up after 1 retry: the retry limit \(1\) is reached\.'
        }
        $session.RetryCount | Should -Be $Calls
        Disconnect-MeetEngage -Session $session
    }

    It 'say that a request was not retried when the server asks to wait too long' {
        $session = Connect-MeetEngage -Account demo -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri -PassThru
        Add-SimulatorFault $script:Simulator @{ kind = 'status'; status = 500; count = 1 }
        Get-MeetEngageData -Session $session -From 2024-01-01 -To 2024-01-02 | Out-Null
        Add-SimulatorFault $script:Simulator @{ kind = 'status'; status = 429; retryAfter = '500' }

        $thrown = { Get-MeetEngageData -Session $session -ErrorAction Stop } | Should -Throw -ErrorId 'MeetEngage.RateLimited*' -PassThru

        $thrown.Exception.Message | Should -Match 'Not retried: the server asked to wait 500 s'
        $thrown.Exception.Message | Should -Not -Match 'Gave up after'
        Disconnect-MeetEngage -Session $session
    }

    It 'read as one sentence in the verbose output, as about_MeetEngage shows them' {
        $session = Connect-MeetEngage -Account demo -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri -TimeoutSec 1 -MaximumRetryCount 2 -PassThru
        Add-SimulatorFault $script:Simulator @{ kind = 'status'; status = 503; retryAfter = '1' }, @{ kind = 'delay'; seconds = 3 }

        $verbose = @(Get-MeetEngageData -Session $session -From 2024-01-01 -To 2024-01-02 -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message |
            Where-Object { $_ -like '*retrying in*' })

        $verbose.Count | Should -Be 2
        $verbose | Where-Object { $_ -match '\.[;:.]' -and $_ -notmatch '\d\.\d' } | Should -BeNullOrEmpty
        $verbose[1] | Should -Match '\(-TimeoutSec\); retrying in'
        # The page's example is the line the module writes, with the page's URL.
        $example = @(Get-Content (Join-Path $script:RepoRoot 'docs/en-US/about_MeetEngage.md') | Where-Object { $_ -like 'VERBOSE: https://*retrying in*' })
        $example.Count | Should -Be 1
        $uri = "$($script:Simulator.BaseUri)/organisation_data?account=demo&data_method=standard&from_date=1704067200000&to_date=1704153600000"
        $expected = $example[0].Substring('VERBOSE: '.Length) -replace '^\S+', $uri -replace 'retrying in [\d.]+ s: the server asked to wait \d+ s', 'retrying in 1.0 s: the server asked to wait 1 s'
        $verbose[0] | Should -Be $expected
        Disconnect-MeetEngage -Session $session
    }
}

Describe 'Error messages' {
    BeforeEach {
        Disconnect-MeetEngage
        Reset-Simulator $script:Simulator
    }

    It 'tell that a -BaseUri without the API path is not the API root, without talking of data methods' {
        $thrown = { Connect-MeetEngage -Account demo -Credential (New-TestCredential) -BaseUri $script:Simulator.ServerUri } |
            Should -Throw -ErrorId 'MeetEngage.NotFound*' -PassThru

        $thrown.Exception.Message | Should -Match '-BaseUri'
        $thrown.Exception.Message | Should -Match 'API root'
        $thrown.Exception.Message | Should -Not -Match 'DataMethod|account manager'
    }

    It 'cut a <Case> URL short (<Parameter> of 100,000 characters)' -TestCases @(
        @{ Case = 'huge'; Parameter = '-Account' }
        @{ Case = 'huge'; Parameter = '-DataMethod' }
    ) {
        $long = 'x' * 100000
        Connect-MeetEngage -Account $(if ($Parameter -eq '-Account') { $long } else { 'demo' }) -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri -SkipValidation -MaximumRetryCount 0
        $method = if ($Parameter -eq '-DataMethod') { $long } else { 'standard' }

        $thrown = { Get-MeetEngageData -DataMethod $method -ErrorAction Stop } | Should -Throw -PassThru

        $thrown.Exception.Message.Length | Should -BeLessThan 2000
        $thrown.Exception.Message | Should -Match '414'
        $thrown.Exception.Message | Should -Match '100,\d{3} characters'
    }

    It 'name the proxy when it cannot be reached' {
        $thrown = { Connect-MeetEngage -Account demo -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri -Proxy 'http://127.0.0.1:1' -MaximumRetryCount 0 } |
            Should -Throw -ErrorId 'MeetEngage.ConnectionFailed*' -PassThru

        $thrown.Exception.Message | Should -Match 'through the proxy http://127\.0\.0\.1:1 failed: '
    }
}
