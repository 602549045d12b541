# What sessions leave behind: completion entries, sessions after Remove-Module, sockets of
# sessions that were replaced.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Simulator = Start-TestSimulator

    function Get-DataMethodCompletion([string] $Line = 'Get-MeetEngageData -DataMethod ') {
        (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches | ForEach-Object ListItemText
    }

    function Get-OpenApiConnection {
        Invoke-RestMethod -Uri "$($script:Simulator.ServerUri)/_sim/connections"
    }
}

AfterAll {
    Disconnect-MeetEngage
    Stop-Simulator $script:Simulator
}

Describe 'Tab completion of -DataMethod' {
    BeforeEach {
        Reset-Simulator $script:Simulator
        Connect-MeetEngage -Account demo -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri
    }

    It 'offers a method that answered, and not one that failed (<Case>)' -TestCases @(
        @{ Case = '404'; Fault = $null; Method = 'nonexistent_xyz' }
        @{ Case = 'a body that broke off'; Fault = @{ kind = 'truncate'; afterRows = 1 }; Method = 'custom_method_basic_info' }
        @{ Case = 'a body that is not the API''s JSON'; Fault = @{ kind = 'noOutput' }; Method = 'custom_method_basic_info' }
    ) {
        if ($Fault) { Add-SimulatorFault $script:Simulator $Fault }
        Get-MeetEngageData -DataMethod $Method -From 2024-01-01 -To 2024-01-02 -ErrorAction SilentlyContinue | Out-Null

        Get-DataMethodCompletion | Should -Not -Contain $Method

        Reset-Simulator $script:Simulator
        Get-MeetEngageData -DataMethod custom_method_basic_info -From 2024-01-01 -To 2024-01-02 | Out-Null
        Get-DataMethodCompletion | Should -Contain 'custom_method_basic_info'
        Get-DataMethodCompletion | Should -Contain 'standard'
    }
}

Describe 'Remove-Module' {
    It 'forgets the session and closes it: after importing again, nothing is connected' {
        $script = @"
`$credential = New-Object System.Management.Automation.PSCredential('demo-key', (ConvertTo-SecureString 'demo-secret' -AsPlainText -Force))
`$held = Connect-MeetEngage -Account demo -Credential `$credential -BaseUri '$($script:Simulator.BaseUri)' -PassThru
Remove-Module MeetEngage
Import-Module '$($script:ModuleManifest)'
try { Get-MeetEngageData -ErrorAction Stop | Out-Null; 'RESULT: still connected' } catch { 'RESULT: ' + `$_.FullyQualifiedErrorId }
'OPEN: ' + `$held.IsOpen
"@
        $output = @(Invoke-FreshPwsh $script | ForEach-Object { "$_" })

        $output | Where-Object { $_ -like 'RESULT: *' } | Should -Be 'RESULT: MeetEngage.NotConnected,MeetEngage.Commands.GetMeetEngageDataCommand'
        $output | Where-Object { $_ -like 'OPEN: *' } | Should -Be 'OPEN: False'
    }
}

Describe 'Replacing the current session' {
    BeforeEach {
        Disconnect-MeetEngage
        Reset-Simulator $script:Simulator
    }

    It 'closes the replaced session''s connections when nobody holds it' {
        $before = Get-OpenApiConnection
        for ($i = 0; $i -lt 12; $i++) {
            Connect-MeetEngage -Account demo -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri
        }

        # The server sees a closed socket a moment after the client closes it.
        $open = Get-OpenApiConnection
        for ($wait = 0; $wait -lt 50 -and $open -gt $before + 1; $wait++) {
            Start-Sleep -Milliseconds 100
            $open = Get-OpenApiConnection
        }
        $open | Should -BeLessOrEqual ($before + 1)
        Test-MeetEngageAccess | Should -BeTrue
    }

    It 'leaves open a session the user holds from -PassThru' {
        $held = Connect-MeetEngage -Account demo -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri -PassThru
        Connect-MeetEngage -Account demo -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri

        $held.IsOpen | Should -BeTrue
        Test-MeetEngageAccess -Session $held | Should -BeTrue
    }
}
