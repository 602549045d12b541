BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Simulator = Start-TestSimulator

    # What the simulator sends, read independently of the module: the oracle for values.
    function Get-RawRows([string] $DataMethod = 'standard', [long] $From = 0, [long] $To = 4102444800000) {
        $uri = "$($script:Simulator.BaseUri)/organisation_data?account=demo&data_method=$DataMethod&from_date=$From&to_date=$To"
        (Invoke-RestMethod -Uri $uri -Authentication Basic -Credential (New-TestCredential) -AllowUnencryptedAuthentication).output
    }

    function Get-DataRequest {
        @(Get-SimulatorRequest $script:Simulator | Where-Object { $_.path -like '*/organisation_data' })
    }
}

AfterAll {
    Disconnect-MeetEngage
    Stop-Simulator $script:Simulator
}

Describe 'Get-MeetEngageData' {
    BeforeAll {
        Connect-MeetEngage -Account demo -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri
    }

    BeforeEach {
        Reset-Simulator $script:Simulator
    }

    Context 'rows' {
        BeforeAll {
            $script:Rows = @(Get-MeetEngageData -From '2024-01-01' -To '2024-02-01')
            $script:Raw = @(Get-RawRows -From 1704067200000 -To 1706745600000)
        }

        It 'emits one PSCustomObject per output row' {
            $script:Rows.Count | Should -Be $script:Raw.Count
            $script:Rows.Count | Should -BeGreaterThan 50
            $script:Rows | ForEach-Object { $_ | Should -BeOfType ([System.Management.Automation.PSCustomObject]) }
        }

        It 'keeps the property order the API sent' {
            $script:Rows[0].PSObject.Properties.Name -join ',' |
                Should -Be 'EventId,EventName,Date,Device,EmailAddress,AttendedOnlineLiveChat,Registered,Country,Sessions,Score,Reference,Notes,Details,Answers'
        }

        It 'maps JSON values to .NET types' {
            $row = $script:Rows | Where-Object { $null -ne $_.Details -and $null -ne $_.Answers } | Select-Object -First 1
            $row.EventId | Should -BeOfType ([int])
            $row.Reference | Should -BeOfType ([long])
            $row.Score | Should -BeOfType ([decimal])
            $row.Registered | Should -BeOfType ([bool])
            $row.Date | Should -BeOfType ([string])
            $row.AttendedOnlineLiveChat | Should -BeOfType ([string])
            $row.Details | Should -BeOfType ([System.Management.Automation.PSCustomObject])
            $row.Details.Campaign.Id | Should -Be 7
            , $row.Answers | Should -BeOfType ([object[]])
            ($script:Rows | Where-Object { $null -eq $_.Notes }).Count | Should -BeGreaterThan 0
        }

        It 'carries exactly the values the API sent' {
            # Through JSON and back, so that 4.70 (a Decimal keeps the digits sent) equals 4.7.
            function Normalize($row) { $row | ConvertTo-Json -Depth 5 | ConvertFrom-Json | ConvertTo-Json -Depth 5 -Compress }
            for ($i = 0; $i -lt $script:Rows.Count; $i++) {
                Normalize $script:Rows[$i] | Should -Be (Normalize $script:Raw[$i])
            }
        }

        It 'keeps dates as the strings the API sent' {
            $script:Rows[0].Date | Should -Be $script:Raw[0].Date
            $script:Rows[0].Date | Should -Match '^2024-01-01T'
        }

        It 'gives every row note properties of its own: changing one row leaves the others as sent' {
            # Rows 0 and 3 carry the same Device, rows 0 and 6 the same Sessions: values the
            # module decodes once and shares.
            $rows = @(Get-MeetEngageData -From '2024-01-01' -To '2024-01-04')
            $rows[3].Device | Should -Be $rows[0].Device
            $rows[6].Sessions | Should -Be $rows[0].Sessions
            $rows[0].PSObject.Properties | ForEach-Object { $_ | Should -BeOfType ([psnoteproperty]) }
            [object]::ReferenceEquals($rows[0].PSObject.Properties['Device'], $rows[3].PSObject.Properties['Device']) | Should -BeFalse

            $rows[0].Device = 'Changed'
            $rows[0].Sessions++

            $rows[0].Device | Should -Be 'Changed'
            $rows[0].Sessions | Should -Be ($script:Raw[0].Sessions + 1)
            $rows[3].Device | Should -Be $script:Raw[3].Device
            $rows[6].Sessions | Should -Be $script:Raw[6].Sessions
        }
    }

    It 'round-trips the awkward characters through Export-Csv and Import-Csv' {
        $path = Join-Path $TestDrive 'rows.csv'
        $rows = @(Get-MeetEngageData -From '2024-01-01' -To '2024-12-31')
        $awkward = @($rows | Where-Object { $_.Notes })
        $awkward.Count | Should -BeGreaterThan 0
        ($awkward.Notes -join '') | Should -Match '"'
        ($awkward.Notes -join '') | Should -Match ','
        ($awkward.Notes -join '') | Should -Match "`n"
        ($awkward.Notes -join '') | Should -Match '[^\x00-\x7F]'

        $rows | Export-Csv -Path $path -NoTypeInformation -Encoding utf8
        $back = @(Import-Csv -Path $path)

        $back.Count | Should -Be $rows.Count
        for ($i = 0; $i -lt $rows.Count; $i++) {
            $back[$i].EventId | Should -Be ([string] $rows[$i].EventId)
            $back[$i].EmailAddress | Should -Be $rows[$i].EmailAddress
            $back[$i].Notes | Should -Be ([string] $rows[$i].Notes)
            $back[$i].Score | Should -Be ([string] $rows[$i].Score)
        }
    }

    It 'reads a custom data method given by position or from the pipeline' {
        $byPosition = @(Get-MeetEngageData custom_method_basic_info)
        $piped = @('custom_method_basic_info', 'standard' | Get-MeetEngageData -From '2024-01-01' -To '2024-01-03')

        $byPosition[0].PSObject.Properties.Name -join ',' | Should -Be 'Device,EmailAddress,AttendedOnlineLiveChat,Registered,Country'
        ($piped | Where-Object { $_.PSObject.Properties.Name -contains 'EventId' }).Count | Should -BeGreaterThan 0
        (Get-DataRequest).query.data_method | Should -Be @('custom_method_basic_info', 'custom_method_basic_info', 'standard')
    }

    It 'sends the data method and account exactly as given, however awkward' {
        $name = 'a&b=c #d/é?'
        Get-MeetEngageData -DataMethod $name -ErrorAction SilentlyContinue

        $request = Get-DataRequest | Select-Object -Last 1
        $request.query.data_method | Should -Be $name
        $request.query.account | Should -Be 'demo'
    }

    It 'reports an unknown data method as ObjectNotFound, naming the method, and goes on with the next input' {
        $rows = @('no_such_method', 'custom_method_basic_info' | Get-MeetEngageData -ErrorVariable problems -ErrorAction SilentlyContinue)

        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -Be 'MeetEngage.NotFound,MeetEngage.Commands.GetMeetEngageDataCommand'
        $problems[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $problems[0].TargetObject | Should -Be 'no_such_method'
        $problems[0].Exception.Message | Should -Match "no_such_method"
        $rows.Count | Should -BeGreaterThan 0
    }

    It 'is a PermissionDenied error for an account the key does not own' {
        $session = Connect-MeetEngage -Account demo -Credential (New-TestCredential 'other-key' 'other-secret') -BaseUri $script:Simulator.BaseUri -PassThru
        try {
            $error = { Get-MeetEngageData -Session $session } | Should -Throw -PassThru
            $error.FullyQualifiedErrorId | Should -Be 'MeetEngage.AccessDenied,MeetEngage.Commands.GetMeetEngageDataCommand'
            $error.CategoryInfo.Category | Should -Be 'PermissionDenied'
            $error.Exception.Message | Should -Match '403'
        }
        finally {
            Disconnect-MeetEngage -Session $session
            Connect-MeetEngage -Account demo -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri
        }
    }

    It 'is a NotConnected error without a session' {
        $result = Invoke-FreshPwsh "try { Get-MeetEngageData -ErrorAction Stop } catch { `$_.FullyQualifiedErrorId + '|' + `$_.CategoryInfo.Category }"
        $result | Should -Be 'MeetEngage.NotConnected,MeetEngage.Commands.GetMeetEngageDataCommand|ConnectionError'
    }

    Context 'dates' {
        It 'takes a bare date as a UTC day' {
            Get-MeetEngageData -From '2024-01-02' -To '2024-01-03' | Out-Null

            $query = (Get-DataRequest)[0].query
            $query.from_date | Should -Be '1704153600000'
            $query.to_date | Should -Be '1704240000000'
        }

        It 'converts a UTC DateTime without change' {
            Get-MeetEngageData -From ([datetime]::new(2024, 1, 2, 13, 30, 0, [DateTimeKind]::Utc)) -To ([datetime]::new(2024, 1, 3, 0, 0, 0, [DateTimeKind]::Utc)) | Out-Null

            (Get-DataRequest)[0].query.from_date | Should -Be '1704202200000'
        }

        It 'converts a Local time to UTC under another time zone (<Zone>)' -TestCases @(
            @{ Zone = 'America/New_York'; Expected = '1704171600000' }
            @{ Zone = 'Asia/Tokyo'; Expected = '1704121200000' }
        ) {
            $code = "`$c = New-Object pscredential('demo-key', (ConvertTo-SecureString 'demo-secret' -AsPlainText -Force)); " +
                "Connect-MeetEngage -Account demo -Credential `$c -BaseUri '$($script:Simulator.BaseUri)'; " +
                "`$rows = Get-MeetEngageData -From ([datetime]::new(2024, 1, 2, 0, 0, 0, [DateTimeKind]::Local)) -To ([datetime]::new(2024, 1, 3, 0, 0, 0, [DateTimeKind]::Local)); 'ok'"
            Invoke-FreshPwsh $code -Environment @{ TZ = $Zone } | Select-Object -Last 1 | Should -Be 'ok'

            (Get-DataRequest)[0].query.from_date | Should -Be $Expected
        }

        It 'returns the rows of whole UTC days, as the API rounds' {
            $rows = @(Get-MeetEngageData -From ([datetime]::new(2024, 1, 2, 13, 0, 0, [DateTimeKind]::Utc)) -To ([datetime]::new(2024, 1, 2, 14, 0, 0, [DateTimeKind]::Utc)))

            $rows.Count | Should -BeGreaterThan 0
            $rows.Date | ForEach-Object { $_ | Should -Match '^2024-01-02T' }
        }

        It 'sends 0 for an omitted -From and about now for an omitted -To' {
            $before = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds()
            Get-MeetEngageData custom_method_basic_info | Out-Null
            $after = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds()

            $query = (Get-DataRequest)[0].query
            $query.from_date | Should -Be '0'
            [long] $query.to_date | Should -BeGreaterOrEqual $before
            [long] $query.to_date | Should -BeLessOrEqual $after
        }

        It 'refuses -From after -To before sending anything' {
            $error = { Get-MeetEngageData -From '2024-02-01' -To '2024-01-01' } | Should -Throw -PassThru

            $error.FullyQualifiedErrorId | Should -Be 'MeetEngage.FromAfterTo,MeetEngage.Commands.GetMeetEngageDataCommand'
            $error.CategoryInfo.Category | Should -Be 'InvalidArgument'
            Get-DataRequest | Should -BeNullOrEmpty
        }
    }

    Context 'beside output' {
        It 'writes API warnings as warnings, API errors as non-terminating errors and other fields as verbose' {
            Add-SimulatorFault $script:Simulator @{ kind = 'meta'; warnings = @('Data is 5 minutes behind'); errors = @('One event could not be read'); meta = @{ generated = '2024-06-01' } }

            $rows = @(Get-MeetEngageData custom_method_basic_info -WarningVariable warnings -ErrorVariable problems -ErrorAction SilentlyContinue -WarningAction SilentlyContinue -Verbose 4>&1)

            $warnings | Should -Match 'Data is 5 minutes behind'
            $problems.Count | Should -Be 1
            $problems[0].FullyQualifiedErrorId | Should -BeLike 'MeetEngage.ApiReportedError*'
            $problems[0].Exception.Message | Should -Match 'One event could not be read'
            ($rows | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message -join "`n" | Should -Match "meta.*generated=2024-06-01"
            ($rows | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }).Count | Should -Be 200
        }
    }

    It 'cuts a very long warning from the API to a readable length' {
        Add-SimulatorFault $script:Simulator @{ kind = 'meta'; warnings = @('w' * 5000) }

        Get-MeetEngageData custom_method_basic_info -WarningVariable warnings -WarningAction SilentlyContinue | Out-Null

        $warnings.Count | Should -Be 1
        $warnings[0].Message.Length | Should -BeLessThan 2100
        $warnings[0].Message | Should -Match '… \(5000 characters\)$'
    }

    Context 'sessions per runspace' {
        It 'a parallel runspace does not see this runspace''s current session' {
            $manifest = $script:ModuleManifest
            $seen = 1 | ForEach-Object -Parallel {
                Import-Module $using:manifest
                try { Get-MeetEngageData -ErrorAction Stop | Out-Null; 'saw a session' } catch { $_.FullyQualifiedErrorId }
            }
            $seen | Should -BeLike 'MeetEngage.NotConnected*'
            Test-MeetEngageAccess | Should -BeTrue
        }

        It 'a thread job connects and disconnects without touching this runspace''s session' {
            $manifest = $script:ModuleManifest
            $uri = $script:Simulator.BaseUri
            $job = Start-ThreadJob {
                Import-Module $using:manifest
                $c = New-Object pscredential('other-key', (ConvertTo-SecureString 'other-secret' -AsPlainText -Force))
                Connect-MeetEngage -Account other -Credential $c -BaseUri $using:uri
                @(Get-MeetEngageData custom_method_basic_info).Count
                Disconnect-MeetEngage
            }
            $count = $job | Wait-Job -Timeout 60 | Receive-Job
            $job | Remove-Job -Force

            $count | Should -BeGreaterThan 0
            Test-MeetEngageAccess | Should -BeTrue
        }
    }
}
