# Keys the API may legally send that a PSObject cannot hold as they are: an empty name, names
# PowerShell reserves for every object's own members, and names that differ only by case.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Simulator = Start-TestSimulator

    function Get-RowsOf([string] $Body) {
        Add-SimulatorFault $script:Simulator @{ kind = 'raw'; body = $Body }
        $warnings = $null
        $rows = @(Get-MeetEngageData -WarningVariable warnings -WarningAction SilentlyContinue -ErrorAction Stop)
        [pscustomobject]@{ Rows = $rows; Warnings = @($warnings | ForEach-Object { "$_" }) }
    }
}

AfterAll {
    Disconnect-MeetEngage
    Stop-Simulator $script:Simulator
}

Describe 'Unusual keys' {
    BeforeAll {
        Connect-MeetEngage -Account demo -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri
    }

    BeforeEach {
        Reset-Simulator $script:Simulator
    }

    It 'keeps a row with an empty key, as the property ''(empty)'', and warns once per response' {
        $result = Get-RowsOf '{"output":[{"":1,"x y":2},{"":3,"x y":4},{"a":{"":5}}]}'

        $result.Rows.Count | Should -Be 3
        $result.Rows[0].PSObject.Properties.Name -join ',' | Should -Be '(empty),x y'
        $result.Rows[0].'(empty)' | Should -Be 1
        $result.Rows[0].'x y' | Should -Be 2
        $result.Rows[1].'(empty)' | Should -Be 3
        $result.Rows[2].a.'(empty)' | Should -Be 5
        $result.Warnings.Count | Should -Be 1
        $result.Warnings[0] | Should -Match "empty name.*'\(empty\)'"
        ($result.Rows[0] | ConvertTo-Csv -NoTypeInformation)[0] | Should -Be '"(empty)","x y"'
    }

    It 'keeps a key named as a member every object has (<Name>) as <Name>_, so $row.psobject and Select-Object still work' -TestCases @(
        @{ Name = 'PSObject' }, @{ Name = 'psbase' }, @{ Name = 'psadapted' }, @{ Name = 'psextended' }, @{ Name = 'pstypenames' }, @{ Name = 'PSBASE' }
    ) {
        $result = Get-RowsOf ('{"output":[{"' + $Name + '":"sent","b":2}]}')

        $row = $result.Rows[0]
        $row.PSObject.Properties.Name -join ',' | Should -Be "$($Name)_,b"
        $row."$($Name)_" | Should -Be 'sent'
        ($row | Select-Object -Property *)."$($Name)_" | Should -Be 'sent'
        ($row | ConvertTo-Csv -NoTypeInformation) -join '|' | Should -Be "`"$($Name)_`",`"b`"|`"sent`",`"2`""
        $result.Warnings.Count | Should -Be 1
        $result.Warnings[0] | Should -Match ("the property '" + $Name + "'.*kept as the property '" + $Name + "_'")
    }

    It 'keeps one property for keys that differ only by case, with the last value, and warns' {
        $result = Get-RowsOf '{"output":[{"Name":"first","name":"second"}]}'

        $result.Rows[0].PSObject.Properties.Name -join ',' | Should -Be 'Name'
        $result.Rows[0].Name | Should -Be 'second'
        $result.Warnings.Count | Should -Be 1
        $result.Warnings[0] | Should -Match "repeats the property 'name'"
    }

    It 'writes such keys as sent to JSON Lines, and as Get-MeetEngageData names them to CSV' {
        $body = '{"output":[{"":1,"PSObject":{"":2,"psbase":3},"x":"a"}]}'
        $folder = Join-Path ([System.IO.Path]::GetTempPath()) ([guid]::NewGuid().ToString('n'))
        $null = New-Item -ItemType Directory -Path $folder
        try {
            Add-SimulatorFault $script:Simulator @{ kind = 'raw'; body = $body }
            Export-MeetEngageData -Path (Join-Path $folder 'rows.jsonl') -WarningAction SilentlyContinue
            $line = @(Get-Content -LiteralPath (Join-Path $folder 'rows.jsonl') -Encoding utf8)
            $line.Count | Should -Be 1
            $line[0] | Should -BeExactly '{"":1,"PSObject":{"":2,"psbase":3},"x":"a"}'

            Add-SimulatorFault $script:Simulator @{ kind = 'raw'; body = $body }
            $warnings = $null
            Export-MeetEngageData -Path (Join-Path $folder 'rows.csv') -WarningVariable warnings -WarningAction SilentlyContinue
            (Get-Content -LiteralPath (Join-Path $folder 'rows.csv') -Encoding utf8)[0] | Should -BeExactly '"(empty)","PSObject_.(empty)","PSObject_.psbase_","x"'
            @($warnings).Count | Should -Be 3

            Add-SimulatorFault $script:Simulator @{ kind = 'raw'; body = $body }
            $viaPipeline = Get-MeetEngageData -Flatten -WarningAction SilentlyContinue | ConvertTo-Csv -NoTypeInformation
            $viaPipeline[0] | Should -BeExactly '"(empty)","PSObject_.(empty)","PSObject_.psbase_","x"'
        }
        finally {
            Remove-Item -LiteralPath $folder -Recurse -Force
        }
    }
}
