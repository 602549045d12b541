# The module builds rows with PSObject(int instanceMemberCapacity) where PowerShell has it, and one
# reused carrier member for every property added: users must not be able to tell. The oracle is
# the same values in PSCustomObjects built the classic way, new PSObject() and one PSNoteProperty each.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Simulator = Start-TestSimulator

    function Copy-Classic($Value) {
        if ($Value -is [System.Management.Automation.PSCustomObject] -or ($Value -is [psobject] -and $Value.BaseObject -is [System.Management.Automation.PSCustomObject])) {
            $copy = [psobject]::new()
            foreach ($property in $Value.PSObject.Properties) {
                $copy.PSObject.Properties.Add([psnoteproperty]::new($property.Name, (Copy-Classic $property.Value)))
            }
            return $copy
        }
        if ($Value -is [object[]]) {
            return , [object[]] @($Value | ForEach-Object { Copy-Classic $_ })
        }
        $Value
    }

    function Get-Text([scriptblock] $Render, $Rows) {
        (& $Render $Rows | Out-String).TrimEnd()
    }
}

AfterAll {
    Disconnect-MeetEngage
    Stop-Simulator $script:Simulator
}

Describe 'Rows as objects' {
    BeforeAll {
        Connect-MeetEngage -Account demo -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri
    }

    It 'builds rows with their capacity on PowerShell 7 (the fast path is in use)' {
        $builder = (Get-Command Get-MeetEngageData).ImplementingType.Assembly.GetType('MeetEngage.Json.PSObjectRowBuilder', $true)
        $builder.GetProperty('BuildsWithCapacity', [System.Reflection.BindingFlags]'Static, NonPublic').GetValue($null) | Should -BeTrue
    } -Skip:($PSVersionTable.PSEdition -ne 'Core')

    Context '<DataMethod>' -ForEach @(
        @{ DataMethod = 'standard' }
        @{ DataMethod = 'bulk_medium_60' }
        @{ DataMethod = 'bulk_nested_20' }
    ) {
        BeforeAll {
            $script:Rows = @(Get-MeetEngageData -DataMethod $DataMethod)
            $script:Classic = @($script:Rows | ForEach-Object { Copy-Classic $_ })
        }

        It 'renders as classic PSCustomObjects do through <Name>' -TestCases @(
            @{ Name = 'ConvertTo-Json'; Render = { param($r) $r | ConvertTo-Json -Depth 6 } }
            @{ Name = 'ConvertTo-Csv'; Render = { param($r) $r | ConvertTo-Csv -NoTypeInformation } }
            @{ Name = 'Format-Table'; Render = { param($r) $r | Select-Object -First 12 | Format-Table -AutoSize } }
            @{ Name = 'Format-List'; Render = { param($r) $r | Select-Object -First 12 | Format-List } }
            @{ Name = 'Select-Object'; Render = { param($r) $r | Select-Object -Property * -ExcludeProperty Score -Last 5 | ConvertTo-Json -Depth 6 } }
            @{ Name = 'Group-Object'; Render = { param($r) $r | Group-Object { $_.PSObject.Properties.Name[1] }, { "$($_.PSObject.Properties.Value[2])" } | Select-Object Count, Name } }
            @{ Name = 'Sort-Object'; Render = { param($r) $r | Sort-Object { $_.PSObject.Properties.Value[1] }, { $_.PSObject.Properties.Value[0] } -Descending | ConvertTo-Csv -NoTypeInformation } }
        ) {
            Get-Text $Render $script:Rows | Should -BeExactly (Get-Text $Render $script:Classic)
        }

        It 'writes the same file with Export-Csv' {
            $ours = Join-Path $TestDrive "$DataMethod-ours.csv"
            $classic = Join-Path $TestDrive "$DataMethod-classic.csv"
            $script:Rows | Export-Csv -Path $ours -NoTypeInformation
            $script:Classic | Export-Csv -Path $classic -NoTypeInformation
            Get-Content -Raw $ours | Should -BeExactly (Get-Content -Raw $classic)
        }

        It 'lists the properties through psobject.Properties, nested objects included' {
            $describe = {
                param($Rows)
                foreach ($row in $Rows) {
                    @($row.PSObject.Properties | ForEach-Object {
                            '{0} {1} {2} {3} {4}' -f $_.GetType().Name, $_.Name, $_.MemberType, $_.TypeNameOfValue, $_.IsSettable
                            if ($_.Value -is [psobject]) { '{' + ($_.Value.PSObject.Properties.Name -join ',') + '}' }
                        }) -join '; '
                }
            }
            $ours = @(& $describe $script:Rows)
            $ours[0] | Should -Match '^PSNoteProperty '
            $ours -join "`n" | Should -BeExactly (@(& $describe $script:Classic) -join "`n")
        }
    }

    It 'takes added, changed and removed members on a row and on a nested object, and keeps the other rows as sent' {
        $rows = @(Get-MeetEngageData -DataMethod bulk_nested_3)
        $row = $rows[1]
        $row | Add-Member -NotePropertyName Added -NotePropertyValue 42
        $row | Add-Member -MemberType ScriptProperty -Name Twice -Value { $this.Id * 2 }
        $row.Candidate | Add-Member -NotePropertyName Middle -NotePropertyValue 'Jo'
        $row.Candidate.Address.City = 'Changed'
        $row.PSObject.Properties.Remove('Tags')
        $row.Score = 'replaced'

        $row.PSObject.Properties.Name -join ',' | Should -BeExactly 'Id,EmailAddress,EventName,Candidate,Answers,Score,Added,Twice'
        $row.Added | Should -Be 42
        $row.Twice | Should -Be 2
        $row.Candidate.PSObject.Properties.Name -join ',' | Should -BeExactly 'FirstName,LastName,Address,Middle'
        ($row | ConvertTo-Json -Depth 5 -Compress) | Should -BeExactly '{"Id":1,"EmailAddress":"user1@example.com","EventName":"Insight Day","Candidate":{"FirstName":"Alex","LastName":"Lee","Address":{"City":"Changed","Country":"GB"},"Middle":"Jo"},"Answers":[1,"two",true,null,2.5],"Score":"replaced","Added":42,"Twice":2}'
        foreach ($other in $rows[0], $rows[2]) {
            $other.PSObject.Properties.Name -join ',' | Should -BeExactly 'Id,EmailAddress,EventName,Candidate,Answers,Tags,Score'
            $other.Candidate.Address.City | Should -Not -Be 'Changed'
            $other.Candidate.PSObject.Properties['Middle'] | Should -BeNullOrEmpty
        }
    }
}
