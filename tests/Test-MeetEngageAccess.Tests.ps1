BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Simulator = Start-TestSimulator
}

AfterAll {
    Disconnect-MeetEngage
    Stop-Simulator $script:Simulator
}

Describe 'Test-MeetEngageAccess' {
    BeforeEach {
        Disconnect-MeetEngage
        Reset-Simulator $script:Simulator
    }

    It 'returns $true for the current session' {
        Connect-MeetEngage -Account demo -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri

        $result = Test-MeetEngageAccess
        $result | Should -BeOfType ([bool])
        $result | Should -BeTrue
    }

    It 'returns $false, not an error, for a rejected key pair given directly' {
        $result = Test-MeetEngageAccess -Account demo -Credential (New-TestCredential -Secret 'wrong') -BaseUri $script:Simulator.BaseUri -ErrorVariable problems

        $result | Should -BeFalse
        $problems | Should -BeNullOrEmpty
    }

    It 'tests a key pair without storing a session' {
        Test-MeetEngageAccess -Account demo -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri | Should -BeTrue
        { Get-MeetEngageData } | Should -Throw -ErrorId 'MeetEngage.NotConnected*'
    }

    It 'gives details with -Detailed' {
        $session = Connect-MeetEngage -Account demo -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri -PassThru

        $detail = Test-MeetEngageAccess -Session $session -Detailed

        $detail | Should -BeOfType ([MeetEngage.Session.MeetEngageAccessResult])
        $detail.Authenticated | Should -BeTrue
        $detail.Account | Should -Be 'demo'
        $detail.BaseUri.AbsoluteUri | Should -Be $script:Simulator.BaseUri
        $detail.StatusCode | Should -Be 200
        $detail.Latency | Should -BeOfType ([timespan])
        $detail.Latency | Should -BeGreaterThan ([timespan]::Zero)
    }

    It 'reports the status and the API message of a rejection with -Detailed' {
        $detail = Test-MeetEngageAccess -Account demo -Credential (New-TestCredential -Secret 'wrong') -BaseUri $script:Simulator.BaseUri -Detailed

        $detail.Authenticated | Should -BeFalse
        $detail.StatusCode | Should -Be 401
        $detail.Message | Should -Not -BeNullOrEmpty
    }

    It 'is an error when not connected' {
        $error = { Test-MeetEngageAccess } | Should -Throw -ErrorId 'MeetEngage.NotConnected,MeetEngage.Commands.TestMeetEngageAccessCommand' -PassThru
        $error.CategoryInfo.Category | Should -Be 'ConnectionError'
        $error.Exception.Message | Should -Match 'Connect-MeetEngage'
    }
}
