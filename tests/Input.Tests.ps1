# Every parameter of every cmdlet given a bad value: refused before anything is stored or sent,
# never as a raw .NET exception. Dates of every kind, and what binds from the pipeline.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Simulator = Start-TestSimulator
    $script:Base = $script:Simulator.BaseUri

    function Get-ApiRequest { @(Get-SimulatorRequest $script:Simulator) }
}

AfterAll {
    Disconnect-MeetEngage
    Stop-Simulator $script:Simulator
}

Describe 'A bad value of any parameter' {
    BeforeAll {
        # Made once: each case below names the values it uses.
        $script:Good = New-TestCredential
        $script:NoUser = New-Object System.Management.Automation.PSCredential(' ', (ConvertTo-SecureString 'x' -AsPlainText -Force))
        $script:Backslash = New-Object System.Management.Automation.PSCredential('\', (ConvertTo-SecureString 'x' -AsPlainText -Force))
        $script:NoSecret = New-Object System.Management.Automation.PSCredential('demo-key', (New-Object System.Security.SecureString))
        $script:Session = Connect-MeetEngage -Account demo -Credential $script:Good -BaseUri $script:Base -PassThru -SkipValidation
        $script:Closed = Connect-MeetEngage -Account demo -Credential $script:Good -BaseUri $script:Base -PassThru -SkipValidation
        $script:Closed.Dispose()
    }

    BeforeEach {
        Disconnect-MeetEngage
        Reset-Simulator $script:Simulator
    }

    # Id: the start of the FullyQualifiedErrorId. MeetEngage.* ids are the module's own checks, with
    # category InvalidArgument; Parameter* and CannotConvertArgument* are PowerShell's own parameter
    # binding (the module's attributes, or a type conversion), which runs before the cmdlet.
    It '<Command> <Case>: refused with <Id>, nothing stored, nothing sent' -TestCases @(
        @{ Command = 'Connect-MeetEngage'; Case = '-Credential [pscredential]::Empty'; Id = 'MeetEngage.InvalidCredential'; Call = { Connect-MeetEngage -Account demo -Credential ([pscredential]::Empty) -BaseUri $script:Base } }
        @{ Command = 'Connect-MeetEngage'; Case = '-Credential [pscredential]::Empty -SkipValidation'; Id = 'MeetEngage.InvalidCredential'; Call = { Connect-MeetEngage -Account demo -Credential ([pscredential]::Empty) -BaseUri $script:Base -SkipValidation } }
        @{ Command = 'Connect-MeetEngage'; Case = '-Credential $null'; Id = 'ParameterArgumentValidationError'; Call = { Connect-MeetEngage -Account demo -Credential $null -BaseUri $script:Base } }
        @{ Command = 'Connect-MeetEngage'; Case = '-Credential with a blank user name'; Id = 'MeetEngage.InvalidCredential'; Call = { Connect-MeetEngage -Account demo -Credential $script:NoUser -BaseUri $script:Base } }
        @{ Command = 'Connect-MeetEngage'; Case = '-Credential with the user name \'; Id = 'MeetEngage.InvalidCredential'; Call = { Connect-MeetEngage -Account demo -Credential $script:Backslash -BaseUri $script:Base } }
        @{ Command = 'Connect-MeetEngage'; Case = '-Credential with an empty secret'; Id = 'MeetEngage.InvalidCredential'; Call = { Connect-MeetEngage -Account demo -Credential $script:NoSecret -BaseUri $script:Base -SkipValidation } }
        @{ Command = 'Connect-MeetEngage'; Case = '-Account $null'; Id = 'ParameterArgumentValidationError'; Call = { Connect-MeetEngage -Account $null -Credential $script:Good -BaseUri $script:Base } }
        @{ Command = 'Connect-MeetEngage'; Case = '-Account with a line break'; Id = 'ParameterArgumentValidationError'; Call = { Connect-MeetEngage -Account "de`nmo" -Credential $script:Good -BaseUri $script:Base -SkipValidation } }
        @{ Command = 'Connect-MeetEngage'; Case = '-BaseUri relative'; Id = 'MeetEngage.InvalidBaseUri'; Call = { Connect-MeetEngage -Account demo -Credential $script:Good -BaseUri 'api/1.0/rest' -SkipValidation } }
        @{ Command = 'Connect-MeetEngage'; Case = '-BaseUri empty'; Id = 'MeetEngage.InvalidBaseUri'; Call = { Connect-MeetEngage -Account demo -Credential $script:Good -BaseUri '' -SkipValidation } }
        @{ Command = 'Connect-MeetEngage'; Case = '-BaseUri ftp://'; Id = 'MeetEngage.InvalidBaseUri'; Call = { Connect-MeetEngage -Account demo -Credential $script:Good -BaseUri 'ftp://127.0.0.1/api' -SkipValidation } }
        @{ Command = 'Connect-MeetEngage'; Case = '-BaseUri file path'; Id = 'MeetEngage.InvalidBaseUri'; Call = { Connect-MeetEngage -Account demo -Credential $script:Good -BaseUri '/tmp/api' -SkipValidation } }
        @{ Command = 'Connect-MeetEngage'; Case = '-BaseUri with a fragment'; Id = 'MeetEngage.InvalidBaseUri'; Call = { Connect-MeetEngage -Account demo -Credential $script:Good -BaseUri "$($script:Base)#x" -SkipValidation } }
        @{ Command = 'Connect-MeetEngage'; Case = '-TimeoutSec 0'; Id = 'ParameterArgumentValidationError'; Call = { Connect-MeetEngage -Account demo -Credential $script:Good -BaseUri $script:Base -TimeoutSec 0 } }
        @{ Command = 'Connect-MeetEngage'; Case = '-TimeoutSec 86401'; Id = 'ParameterArgumentValidationError'; Call = { Connect-MeetEngage -Account demo -Credential $script:Good -BaseUri $script:Base -TimeoutSec 86401 } }
        @{ Command = 'Connect-MeetEngage'; Case = '-TimeoutSec text'; Id = 'CannotConvertArgument'; Call = { Connect-MeetEngage -Account demo -Credential $script:Good -BaseUri $script:Base -TimeoutSec 'soon' } }
        @{ Command = 'Connect-MeetEngage'; Case = '-MaximumRetryCount -1'; Id = 'ParameterArgumentValidationError'; Call = { Connect-MeetEngage -Account demo -Credential $script:Good -BaseUri $script:Base -MaximumRetryCount -1 } }
        @{ Command = 'Connect-MeetEngage'; Case = '-MaximumRetryCount 21'; Id = 'ParameterArgumentValidationError'; Call = { Connect-MeetEngage -Account demo -Credential $script:Good -BaseUri $script:Base -MaximumRetryCount 21 } }
        @{ Command = 'Connect-MeetEngage'; Case = '-Proxy notauri'; Id = 'MeetEngage.InvalidProxy'; Call = { Connect-MeetEngage -Account demo -Credential $script:Good -BaseUri $script:Base -Proxy 'notauri' } }
        @{ Command = 'Connect-MeetEngage'; Case = '-Proxy notauri -SkipValidation'; Id = 'MeetEngage.InvalidProxy'; Call = { Connect-MeetEngage -Account demo -Credential $script:Good -BaseUri $script:Base -Proxy 'notauri' -SkipValidation } }
        @{ Command = 'Connect-MeetEngage'; Case = '-Proxy ftp://'; Id = 'MeetEngage.InvalidProxy'; Call = { Connect-MeetEngage -Account demo -Credential $script:Good -BaseUri $script:Base -Proxy 'ftp://proxy.example.test:21' } }
        @{ Command = 'Connect-MeetEngage'; Case = '-Proxy socks5://'; Id = 'MeetEngage.InvalidProxy'; Call = { Connect-MeetEngage -Account demo -Credential $script:Good -BaseUri $script:Base -Proxy 'socks5://127.0.0.1:1080' -SkipValidation } }
        @{ Command = 'Connect-MeetEngage'; Case = '-Proxy with user info'; Id = 'MeetEngage.InvalidProxy'; Call = { Connect-MeetEngage -Account demo -Credential $script:Good -BaseUri $script:Base -Proxy 'http://user:pw@127.0.0.1:3128' -SkipValidation } }
        @{ Command = 'Connect-MeetEngage'; Case = '-Proxy with a query'; Id = 'MeetEngage.InvalidProxy'; Call = { Connect-MeetEngage -Account demo -Credential $script:Good -BaseUri $script:Base -Proxy 'http://127.0.0.1:3128/?x=1' -SkipValidation } }
        @{ Command = 'Connect-MeetEngage'; Case = '-Proxy $null'; Id = 'ParameterArgumentValidationError'; Call = { Connect-MeetEngage -Account demo -Credential $script:Good -BaseUri $script:Base -Proxy $null } }
        @{ Command = 'Connect-MeetEngage'; Case = '-ProxyCredential [pscredential]::Empty'; Id = 'MeetEngage.InvalidProxyCredential'; Call = { Connect-MeetEngage -Account demo -Credential $script:Good -BaseUri $script:Base -Proxy 'http://127.0.0.1:3128' -ProxyCredential ([pscredential]::Empty) -SkipValidation } }
        @{ Command = 'Connect-MeetEngage'; Case = '-ProxyCredential with -ProxyUseDefaultCredentials'; Id = 'MeetEngage.ProxyCredentialConflict'; Call = { Connect-MeetEngage -Account demo -Credential $script:Good -BaseUri $script:Base -ProxyCredential $script:Good -ProxyUseDefaultCredentials -SkipValidation } }
        @{ Command = 'Test-MeetEngageAccess'; Case = '-Credential [pscredential]::Empty'; Id = 'MeetEngage.InvalidCredential'; Call = { Test-MeetEngageAccess -Account demo -Credential ([pscredential]::Empty) -BaseUri $script:Base } }
        @{ Command = 'Test-MeetEngageAccess'; Case = '-BaseUri relative'; Id = 'MeetEngage.InvalidBaseUri'; Call = { Test-MeetEngageAccess -Account demo -Credential $script:Good -BaseUri 'rest' } }
        @{ Command = 'Test-MeetEngageAccess'; Case = '-Account blank'; Id = 'ParameterArgumentValidationError'; Call = { Test-MeetEngageAccess -Account ' ' -Credential $script:Good -BaseUri $script:Base } }
        @{ Command = 'Test-MeetEngageAccess'; Case = '-Session $null'; Id = 'ParameterArgumentValidationError'; Call = { Test-MeetEngageAccess -Session $null } }
        @{ Command = 'Test-MeetEngageAccess'; Case = '-Session a disconnected session'; Id = 'MeetEngage.SessionClosed'; Call = { Test-MeetEngageAccess -Session $script:Closed } }
        @{ Command = 'Test-MeetEngageAccess'; Case = '-Session not a session'; Id = 'CannotConvertArgument'; Call = { Test-MeetEngageAccess -Session 'demo' } }
        @{ Command = 'Get-MeetEngageData'; Case = '-DataMethod empty'; Id = 'ParameterArgumentValidationError'; Call = { Get-MeetEngageData -Session $script:Session -DataMethod '' } }
        @{ Command = 'Get-MeetEngageData'; Case = '-DataMethod with a line break'; Id = 'ParameterArgumentValidationError'; Call = { Get-MeetEngageData -Session $script:Session -DataMethod "standard`r`nX-Injected: 1" } }
        @{ Command = 'Get-MeetEngageData'; Case = '-DataMethod a type name'; Id = 'ParameterArgumentValidationError'; Call = { Get-MeetEngageData -Session $script:Session -DataMethod 'System.Collections.Hashtable' } }
        @{ Command = 'Get-MeetEngageData'; Case = '-DataMethod a rendered hashtable'; Id = 'ParameterArgumentValidationError'; Call = { Get-MeetEngageData -Session $script:Session -DataMethod '@{DataMethod=x}' } }
        @{ Command = 'Get-MeetEngageData'; Case = '-From before 1970'; Id = 'MeetEngage.InvalidDate'; Call = { Get-MeetEngageData -Session $script:Session -From '1969-12-31' } }
        @{ Command = 'Get-MeetEngageData'; Case = '-To before 1970'; Id = 'MeetEngage.InvalidDate'; Call = { Get-MeetEngageData -Session $script:Session -To '1969-12-31' } }
        @{ Command = 'Get-MeetEngageData'; Case = '-From after -To'; Id = 'MeetEngage.FromAfterTo'; Call = { Get-MeetEngageData -Session $script:Session -From '2024-02-01' -To '2024-01-01' } }
        @{ Command = 'Get-MeetEngageData'; Case = '-From not a date'; Id = 'CannotConvertArgument'; Call = { Get-MeetEngageData -Session $script:Session -From 'yesterday' } }
        @{ Command = 'Get-MeetEngageData'; Case = '-ChunkDays 0'; Id = 'ParameterArgumentValidationError'; Call = { Get-MeetEngageData -Session $script:Session -From '2024-01-01' -ChunkDays 0 } }
        @{ Command = 'Get-MeetEngageData'; Case = '-ChunkDays 3661'; Id = 'ParameterArgumentValidationError'; Call = { Get-MeetEngageData -Session $script:Session -From '2024-01-01' -ChunkDays 3661 } }
        @{ Command = 'Get-MeetEngageData'; Case = '-ChunkDays without -From'; Id = 'MeetEngage.ChunkDaysNeedsFrom'; Call = { Get-MeetEngageData -Session $script:Session -ChunkDays 1 } }
        @{ Command = 'Get-MeetEngageData'; Case = '-Property empty'; Id = 'ParameterArgumentValidationError'; Call = { Get-MeetEngageData -Session $script:Session -Property @() } }
        @{ Command = 'Get-MeetEngageData'; Case = '-Property with $null'; Id = 'ParameterArgumentValidationError'; Call = { Get-MeetEngageData -Session $script:Session -Property 'a', $null } }
        @{ Command = 'Get-MeetEngageData'; Case = '-Session $null'; Id = 'ParameterArgumentValidationError'; Call = { Get-MeetEngageData -Session $null } }
        @{ Command = 'Get-MeetEngageData'; Case = '-Session a disconnected session'; Id = 'MeetEngage.SessionClosed'; Call = { Get-MeetEngageData -Session $script:Closed -ErrorAction Stop } }
        @{ Command = 'Get-MeetEngageData'; Case = 'no session'; Id = 'MeetEngage.NotConnected'; Call = { Get-MeetEngageData -ErrorAction Stop } }
        @{ Command = 'Disconnect-MeetEngage'; Case = '-Session $null'; Id = 'ParameterArgumentValidationError'; Call = { Disconnect-MeetEngage -Session $null } }
        @{ Command = 'Disconnect-MeetEngage'; Case = '-Session not a session'; Id = 'CannotConvertArgument'; Call = { Disconnect-MeetEngage -Session 'demo' } }
    ) {
        $thrown = $Call | Should -Throw -PassThru

        $thrown.FullyQualifiedErrorId | Should -BeLike "$Id*"
        $thrown.Exception.GetType().FullName | Should -Match '^(MeetEngage\.|System\.Management\.Automation\.)'
        if ($Id -like 'MeetEngage.*') {
            if ($Id -notin 'MeetEngage.SessionClosed', 'MeetEngage.NotConnected') { $thrown.CategoryInfo.Category | Should -Be 'InvalidArgument' }
            $thrown.TargetObject | Should -Not -BeNullOrEmpty
        }
        { Get-MeetEngageData -ErrorAction Stop } | Should -Throw -ErrorId 'MeetEngage.NotConnected*'
        Get-ApiRequest | Should -BeNullOrEmpty
    }

    It 'names the proxy and says why in the message for <Proxy>' -TestCases @(
        @{ Proxy = 'notauri'; Pattern = "'notauri'.*absolute" }
        @{ Proxy = 'ftp://proxy.example.test:21'; Pattern = 'http' }
        @{ Proxy = 'http://user:pw@127.0.0.1:3128'; Pattern = '-ProxyCredential' }
    ) {
        $thrown = { Connect-MeetEngage -Account demo -Credential $script:Good -BaseUri $script:Base -Proxy $Proxy -SkipValidation } | Should -Throw -PassThru
        $thrown.Exception.Message | Should -Match $Pattern
        $thrown.Exception.Message | Should -Not -Match 'pw@'
    }
}

Describe 'Dates given as [DateTimeOffset]' {
    BeforeAll {
        Connect-MeetEngage -Account demo -Credential (New-TestCredential) -BaseUri $script:Base
    }

    BeforeEach {
        Reset-Simulator $script:Simulator
    }

    It 'are taken at their UTC instant: <Case>' -TestCases @(
        @{ Case = 'offset +09:00'; From = [DateTimeOffset]::new(2024, 1, 2, 9, 0, 0, [TimeSpan]::FromHours(9)); To = [DateTimeOffset]::new(2024, 1, 3, 9, 0, 0, [TimeSpan]::FromHours(9)); FromMs = '1704153600000'; ToMs = '1704240000000' }
        @{ Case = 'offset 0'; From = [DateTimeOffset]::new(2024, 1, 2, 0, 0, 0, [TimeSpan]::Zero); To = [DateTimeOffset]::new(2024, 1, 3, 0, 0, 0, [TimeSpan]::Zero); FromMs = '1704153600000'; ToMs = '1704240000000' }
        @{ Case = 'offset -05:00'; From = [DateTimeOffset]::new(2024, 1, 1, 19, 0, 0, [TimeSpan]::FromHours(-5)); To = [DateTimeOffset]::new(2024, 1, 2, 19, 0, 0, [TimeSpan]::FromHours(-5)); FromMs = '1704153600000'; ToMs = '1704240000000' }
    ) {
        $rows = @(Get-MeetEngageData -From $From -To $To)

        $rows.Count | Should -Be 3
        $request = Get-ApiRequest | Where-Object path -Like '*/organisation_data'
        $request.query.from_date | Should -Be $FromMs
        $request.query.to_date | Should -Be $ToMs
    }

    It 'work with -ChunkDays' {
        $from = [DateTimeOffset]::new(2024, 1, 2, 0, 0, 0, [TimeSpan]::Zero)
        @(Get-MeetEngageData -From $from -To $from.AddDays(2) -ChunkDays 1).Count | Should -Be 5
        @(Get-ApiRequest | Where-Object path -Like '*/organisation_data').Count | Should -Be 2
    }
}

Describe 'Pipeline input' {
    BeforeAll {
        Connect-MeetEngage -Account demo -Credential (New-TestCredential) -BaseUri $script:Base
    }

    BeforeEach {
        Reset-Simulator $script:Simulator
    }

    It 'binds strings by value as data methods' {
        $rows = @('custom_method_basic_info' | Get-MeetEngageData -From 2024-01-01 -To 2024-01-02)
        $rows.Count | Should -Be 3
        (Get-ApiRequest).query.data_method | Should -Be 'custom_method_basic_info'
    }

    It 'binds the DataMethod property of an object' {
        $rows = @([pscustomobject]@{ DataMethod = 'custom_method_basic_info' } | Get-MeetEngageData -From 2024-01-01 -To 2024-01-02)
        $rows.Count | Should -Be 3
        (Get-ApiRequest).query.data_method | Should -Be 'custom_method_basic_info'
    }

    It 'refuses <Case> without a request' -TestCases @(
        @{ Case = 'a hashtable'; Make = { @{ DataMethod = 'standard' } } }
        @{ Case = 'rows of data'; Make = { Get-MeetEngageData -From 2024-01-01 -To 2024-01-02 } }
        @{ Case = 'a text with a line break'; Make = { "standard`nstandard" } }
    ) {
        $items = @(& $Make)
        Reset-Simulator $script:Simulator

        $errors = $null
        $rows = @($items | Get-MeetEngageData -ErrorVariable errors -ErrorAction SilentlyContinue)

        $rows | Should -BeNullOrEmpty
        $errors.Count | Should -Be $items.Count
        Get-ApiRequest | Should -BeNullOrEmpty
    }
}
