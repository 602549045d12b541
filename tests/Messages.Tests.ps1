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
