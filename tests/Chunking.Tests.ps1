BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Simulator = Start-TestSimulator -ArgumentList @('--key', 'chunk-key:chunk-secret:demo')
    $script:Session = Connect-MeetEngage -Account demo -Credential (New-TestCredential 'chunk-key' 'chunk-secret') -BaseUri $script:Simulator.BaseUri -PassThru

    function Get-DataRequest {
        @(Get-SimulatorRequest $script:Simulator | Where-Object { $_.path -like '*/organisation_data' })
    }

    # Runs a command in its own PowerShell so its progress stream can be read; $Session is the
    # session given.
    function Invoke-WithStreams([string] $Script, $Session) {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("param(`$Manifest, `$Session) Import-Module `$Manifest; $Script").AddArgument($script:ModuleManifest).AddArgument($Session)
            $output = $ps.Invoke()
            [pscustomobject]@{ Output = @($output); Progress = @($ps.Streams.Progress); Error = @($ps.Streams.Error) }
        }
        finally { $ps.Dispose() }
    }
}

AfterAll {
    Stop-Simulator $script:Simulator
}

Describe 'Get-MeetEngageData -ChunkDays' {
    BeforeEach { Reset-Simulator $script:Simulator }

    It 'returns exactly the rows of the unchunked call, each once, from UTC-midnight-aligned requests' {
        $from = [datetime]::new(2024, 1, 10, 15, 0, 0, [DateTimeKind]::Utc)
        $to = [datetime]::new(2024, 3, 10, 9, 0, 0, [DateTimeKind]::Utc)
        $whole = @(Get-MeetEngageData -From $from -To $to -Session $script:Session) | ForEach-Object { $_ | ConvertTo-Json -Compress -Depth 4 }
        Reset-Simulator $script:Simulator

        $chunked = @(Get-MeetEngageData -From $from -To $to -ChunkDays 7 -Session $script:Session) | ForEach-Object { $_ | ConvertTo-Json -Compress -Depth 4 }

        $whole.Count | Should -BeGreaterThan 100
        $chunked | Should -Be $whole
        ($chunked | Sort-Object -Unique).Count | Should -Be $chunked.Count
        $requests = Get-DataRequest
        $requests.Count | Should -Be 9
        foreach ($request in $requests) {
            [long] $request.query.from_date % 86400000 | Should -Be 0
            [long] $request.query.to_date % 86400000 | Should -Be 0
        }
        for ($i = 1; $i -lt $requests.Count; $i++) {
            $requests[$i].query.from_date | Should -Be $requests[$i - 1].query.to_date
        }
        $requests[0].query.from_date | Should -Be '1704844800000'
    }

    It 'writes progress during a chunked run and completes it' {
        $result = Invoke-WithStreams "Get-MeetEngageData -From '2024-01-01' -To '2024-03-01' -ChunkDays 10 -Session `$Session" $script:Session

        $result.Output.Count | Should -BeGreaterThan 0
        $reading = @($result.Progress | Where-Object RecordType -eq 'Processing')
        $reading.Count | Should -BeGreaterOrEqual 6
        $reading[0].Activity | Should -Be 'Get-MeetEngageData standard'
        $reading[0].StatusDescription | Should -Match 'Chunk 1 of 6: 2024-01-01 to 2024-01-11 \(UTC\); 0 rows so far'
        ($reading.StatusDescription -join "`n") | Should -Match 'Chunk 6 of 6'
        ($reading | Where-Object { $_.StatusDescription -match 'Chunk [2-6]' } | Select-Object -First 1).SecondsRemaining | Should -BeGreaterThan 0
        $result.Progress[-1].RecordType | Should -Be 'Completed'
    }

    It 'shows rows and bytes for a single long download, at most a few updates a second, and completes it' {
        $clock = [System.Diagnostics.Stopwatch]::StartNew()
        $result = Invoke-WithStreams "Get-MeetEngageData bulk_400000 -Session `$Session | Measure-Object | ForEach-Object Count" $script:Session
        $seconds = $clock.Elapsed.TotalSeconds

        $result.Output | Should -Be 400000
        $reading = @($result.Progress | Where-Object RecordType -eq 'Processing')
        $reading.Count | Should -BeGreaterThan 0
        $reading.Count | Should -BeLessOrEqual ([math]::Ceiling($seconds * 4) + 1)
        $reading[-1].StatusDescription | Should -Match '^[\d,]+ rows, [\d.]+ MB so far$'
        $result.Progress[-1].RecordType | Should -Be 'Completed'
    }

    It 'names the exact range of a chunk that fails after retries, and the other chunks still return rows' {
        $session = Connect-MeetEngage -Account demo -Credential (New-TestCredential 'chunk-key' 'chunk-secret') -BaseUri $script:Simulator.BaseUri -SkipValidation -PassThru -MaximumRetryCount 1
        Add-SimulatorFault $script:Simulator @{ kind = 'status'; status = 500; count = 2 }

        $rows = @(Get-MeetEngageData -From '2024-01-01' -To '2024-01-29' -ChunkDays 7 -Session $session -ErrorVariable problems -ErrorAction Continue 2>$null)

        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'MeetEngage.ServerError,*'
        $problems[0].Exception.Message | Should -Match 'Chunk 1 of 4 \(2024-01-01 to 2024-01-08 UTC\) failed'
        $problems[0].Exception.Message | Should -Match 'Re-run just this range with -From 2024-01-01 -To 2024-01-08'
        $problems[0].TargetObject.From | Should -Be ([datetime]::new(2024, 1, 1, 0, 0, 0, [DateTimeKind]::Utc))
        $problems[0].TargetObject.To | Should -Be ([datetime]::new(2024, 1, 8, 0, 0, 0, [DateTimeKind]::Utc))
        $rows.Count | Should -Be (@(Get-MeetEngageData -From '2024-01-08' -To '2024-01-29' -Session $session).Count)
        $rows[0].Date | Should -Match '^2024-01-08T'
    }

    It 'stops at the failing chunk with -ErrorAction Stop' {
        $session = Connect-MeetEngage -Account demo -Credential (New-TestCredential 'chunk-key' 'chunk-secret') -BaseUri $script:Simulator.BaseUri -SkipValidation -PassThru -MaximumRetryCount 0
        Add-SimulatorFault $script:Simulator @{ kind = 'status'; status = 500; count = 1 }

        { Get-MeetEngageData -From '2024-01-01' -To '2024-01-29' -ChunkDays 7 -Session $session -ErrorAction Stop } | Should -Throw '*Chunk 1 of 4*'
        (Get-DataRequest).Count | Should -Be 1
    }

    It 'refuses -ChunkDays without -From' {
        { Get-MeetEngageData -ChunkDays 7 -Session $script:Session } | Should -Throw -ErrorId 'MeetEngage.ChunkDaysNeedsFrom,*'
        Get-DataRequest | Should -BeNullOrEmpty
    }

    It 'refuses a chunk size of <Days> days at binding' -TestCases @(@{ Days = 0 }, @{ Days = -1 }, @{ Days = 4000 }) {
        { Get-MeetEngageData -From '2024-01-01' -ChunkDays $Days -Session $script:Session } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
    }
}

Describe 'Rows with different columns' {
    BeforeEach { Reset-Simulator $script:Simulator }

    It 'the raw rows really differ (the reason for the options below)' {
        $rows = @(Get-MeetEngageData mixed_schema -Session $script:Session)
        $rows[0].PSObject.Properties.Name -join ',' | Should -Be 'A,B'
        $rows[1].PSObject.Properties.Name -join ',' | Should -Be 'B,C'
    }

    It '-Property emits exactly the given columns in the given order, $null where missing' {
        $rows = @(Get-MeetEngageData mixed_schema -Property F, A, D, Z -Session $script:Session)

        $rows.Count | Should -Be 30
        $rows | ForEach-Object { $_.PSObject.Properties.Name -join ',' | Should -Be 'F,A,D,Z' }
        $rows[0].A | Should -Be 0
        $rows[0].D | Should -BeNullOrEmpty
        $rows[12].D | Should -Be 'd12'
        $rows[29].F | Should -Be 'last'
        $rows.Z | Where-Object { $null -ne $_ } | Should -BeNullOrEmpty
    }

    It '-NormalizeProperties emits every row with the union of the columns in first-seen order' {
        $rows = @(Get-MeetEngageData mixed_schema -NormalizeProperties -Session $script:Session)

        $rows.Count | Should -Be 30
        $rows | ForEach-Object { $_.PSObject.Properties.Name -join ',' | Should -Be 'A,B,C,D,E,F' }
        $rows[0].B | Should -Be 'b0'
        $rows[0].C | Should -BeNullOrEmpty
        $rows[29].F | Should -Be 'last'
    }

    It 'keeps every column through Export-Csv and Import-Csv with <Option>' -TestCases @(
        @{ Option = '-NormalizeProperties'; Parameters = @{ NormalizeProperties = $true }; Columns = 'A,B,C,D,E,F' }
        @{ Option = '-Property'; Parameters = @{ Property = 'E', 'F', 'A', 'B', 'C', 'D' }; Columns = 'E,F,A,B,C,D' }
    ) {
        $path = Join-Path $TestDrive 'mixed.csv'
        Get-MeetEngageData mixed_schema -Session $script:Session @Parameters | Export-Csv -Path $path -NoTypeInformation

        $back = @(Import-Csv -Path $path)

        $back.Count | Should -Be 30
        $back[0].PSObject.Properties.Name -join ',' | Should -Be $Columns
        $back[29].F | Should -Be 'last'
        $back[4].E | Should -Be '4.5'
        $back[5].D | Should -Be 'd5'
    }

    It '-NormalizeProperties spans the chunks of a chunked run' {
        $rows = @(Get-MeetEngageData mixed_schema -From '2024-01-01' -To '2024-02-01' -ChunkDays 10 -NormalizeProperties -Session $script:Session)

        $rows.Count | Should -Be 30
        $rows | ForEach-Object { $_.PSObject.Properties.Name -join ',' | Should -Be 'A,B,C,D,E,F' }
    }

    It 'refuses -Property with -NormalizeProperties' {
        { Get-MeetEngageData mixed_schema -Property A -NormalizeProperties -Session $script:Session } | Should -Throw -ErrorId 'AmbiguousParameterSet*'
    }
}

Describe 'Tab completion of -DataMethod' {
    It 'offers standard and the methods this session used' {
        Connect-MeetEngage -Account demo -Credential (New-TestCredential 'chunk-key' 'chunk-secret') -BaseUri $script:Simulator.BaseUri -SkipValidation
        Get-MeetEngageData custom_method_basic_info -From 2024-01-01 -To 2024-01-02 | Out-Null

        $all = (TabExpansion2 -inputScript 'Get-MeetEngageData -DataMethod ' -cursorColumn 31).CompletionMatches.CompletionText
        $custom = (TabExpansion2 -inputScript 'Get-MeetEngageData cus' -cursorColumn 22).CompletionMatches.CompletionText

        $all | Should -Contain 'standard'
        $all | Should -Contain 'custom_method_basic_info'
        $custom | Should -Be @('custom_method_basic_info')
        Disconnect-MeetEngage
    }
}
