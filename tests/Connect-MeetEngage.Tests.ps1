BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Simulator = Start-TestSimulator
}

AfterAll {
    Disconnect-MeetEngage
    Stop-Simulator $script:Simulator
}

Describe 'Connect-MeetEngage' {
    BeforeEach {
        Disconnect-MeetEngage
        Reset-Simulator $script:Simulator
    }

    It 'validates a good key pair against the API root and keeps the session as the current one' {
        $session = Connect-MeetEngage -Account demo -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri -PassThru

        $session | Should -BeOfType ([MeetEngage.Session.MeetEngageSession])
        $session.Account | Should -Be 'demo'
        $session.BaseUri.AbsoluteUri | Should -Be $script:Simulator.BaseUri
        $session.RequestCount | Should -Be 1
        $requests = Get-SimulatorRequest $script:Simulator
        $requests.Count | Should -Be 1
        $requests[0].path | Should -Be '/api/1.0/rest'
        $requests[0].key | Should -Be 'demo-key'
        Test-MeetEngageAccess | Should -BeTrue
    }

    It 'returns nothing without -PassThru' {
        Connect-MeetEngage -Account demo -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri | Should -BeNullOrEmpty
    }

    It 'throws an authentication error for a wrong secret and stores no session' {
        $bad = New-TestCredential -Secret 'wrong-secret'

        $error = { Connect-MeetEngage -Account demo -Credential $bad -BaseUri $script:Simulator.BaseUri } |
            Should -Throw -ErrorId 'MeetEngage.AuthenticationFailed,MeetEngage.Commands.ConnectMeetEngageCommand' -PassThru

        $error.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $error.Exception.Message | Should -Match 'did not accept the key pair'
        { Get-MeetEngageData } | Should -Throw -ErrorId 'MeetEngage.NotConnected*'
    }

    It 'throws an authentication error for an unknown key' {
        { Connect-MeetEngage -Account demo -Credential (New-TestCredential -Key 'no-such-key') -BaseUri $script:Simulator.BaseUri } |
            Should -Throw -ErrorId 'MeetEngage.AuthenticationFailed*'
    }

    It 'sends no request with -SkipValidation' {
        Connect-MeetEngage -Account demo -Credential (New-TestCredential -Secret 'wrong') -BaseUri $script:Simulator.BaseUri -SkipValidation

        (Get-SimulatorRequest $script:Simulator).Count | Should -Be 0
        { Get-MeetEngageData -ErrorAction Stop } | Should -Throw -ErrorId 'MeetEngage.AuthenticationFailed*'
    }

    It 'refuses <Case> before sending anything' -TestCases @(
        @{ Case = 'plain http to a remote host'; Uri = 'http://meetandengage.com/api/1.0/rest'; Pattern = 'plain http' }
        @{ Case = 'user info in the base URI'; Uri = 'https://user:pw@example.test/api'; Pattern = 'user name or password' }
        @{ Case = 'a query in the base URI'; Uri = 'https://example.test/api?x=1'; Pattern = 'query' }
    ) {
        $error = { Connect-MeetEngage -Account demo -Credential (New-TestCredential) -BaseUri $Uri } |
            Should -Throw -ErrorId 'MeetEngage.InvalidBaseUri*' -PassThru
        $error.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $error.Exception.Message | Should -Match $Pattern
    }

    It 'refuses an empty or whitespace account at parameter binding' -TestCases @(
        @{ Account = '' }, @{ Account = '   ' }
    ) {
        { Connect-MeetEngage -Account $Account -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri } |
            Should -Throw -ErrorId 'ParameterArgumentValidationError*'
    }

    It 'refuses a credential without a secret' {
        $empty = New-Object System.Management.Automation.PSCredential('demo-key', (New-Object System.Security.SecureString))
        { Connect-MeetEngage -Account demo -Credential $empty -BaseUri $script:Simulator.BaseUri } | Should -Throw -ErrorId 'MeetEngage.InvalidCredential*'
    }

    It 'shows account, base URI, a masked key and the connection time, never the secret' {
        $session = Connect-MeetEngage -Account demo -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri -PassThru

        $shown = ($session | Format-List | Out-String) + ($session | Format-Table | Out-String) + $session.ToString() + ($session | ConvertTo-Json -Depth 3)
        $shown | Should -Match 'demo'
        $shown | Should -Match ([regex]::Escape($script:Simulator.BaseUri))
        $shown | Should -Match 'demo…'
        $shown | Should -Match 'ConnectedAt'
        $shown | Should -Not -Match 'demo-secret'
        $shown | Should -Not -Match 'demo-key'
        $session.PSObject.Properties.Name | Should -Not -Contain 'Secret'
    }
}

Describe 'Disconnect-MeetEngage' {
    It 'forgets the current session and closes it' {
        $session = Connect-MeetEngage -Account demo -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri -PassThru

        Disconnect-MeetEngage

        $session.IsOpen | Should -BeFalse
        { Get-MeetEngageData } | Should -Throw -ErrorId 'MeetEngage.NotConnected*'
        { Get-MeetEngageData -Session $session } | Should -Throw -ErrorId 'MeetEngage.SessionClosed*'
    }

    It 'closes a given session and leaves the current one' {
        $current = Connect-MeetEngage -Account demo -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri -PassThru
        $other = Connect-MeetEngage -Account other -Credential (New-TestCredential 'other-key' 'other-secret') -BaseUri $script:Simulator.BaseUri -PassThru
        Connect-MeetEngage -Account demo -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri

        Disconnect-MeetEngage -Session $other

        $other.IsOpen | Should -BeFalse
        Test-MeetEngageAccess | Should -BeTrue
        $current.IsOpen | Should -BeTrue
    }

    It 'does nothing, quietly, when nothing is connected' {
        Disconnect-MeetEngage
        { Disconnect-MeetEngage -ErrorAction Stop } | Should -Not -Throw
    }
}
