BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')

    # Secrets no file holds, made up for this run: a match can only have come through the module.
    $script:LeakKey = 'leak-key'
    $script:LeakSecret = 'Lk-' + [guid]::NewGuid().ToString('N') + '-s3cr3t'
    $script:WrongSecret = 'Wr-' + [guid]::NewGuid().ToString('N') + '-s3cr3t'
    $script:Simulator = Start-TestSimulator -ArgumentList @('--key', "$($script:LeakKey):$($script:LeakSecret):demo")
    # A second origin, for redirects away from the first.
    $script:Other = Start-TestSimulator

    function ConvertTo-Base64([string] $Text) { [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($Text)) }

    # The built-in pair's header value, for bodies that echo it back.
    $script:DemoHeaderValue = ConvertTo-Base64 'demo-key:demo-secret'

    # Every form in which a secret could show: plain, inside the Basic header, cut short, and as
    # the UTF-16 hex a SecureString is serialized as on Linux and macOS.
    function Get-Needle {
        $header = ConvertTo-Base64 "$($script:LeakKey):$($script:LeakSecret)"
        [ordered]@{
            'the secret'                           = $script:LeakSecret
            'the random core of the secret'        = $script:LeakSecret.Substring(3, 32)
            'the wrong secret'                     = $script:WrongSecret
            'the random core of the wrong secret'  = $script:WrongSecret.Substring(3, 32)
            'the Basic header value'               = $header
            'the start of the Basic header value'  = $header.Substring(0, 24)
            'the wrong Basic header value'         = ConvertTo-Base64 "$($script:LeakKey):$($script:WrongSecret)"
            'the secret as UTF-16 hex'             = -join ([Text.Encoding]::Unicode.GetBytes($script:LeakSecret.Substring(3, 32)) | ForEach-Object { $_.ToString('x2') })
        }
    }

    # Names of the needles the text contains (case-insensitive: a leak may be upper-cased).
    function Find-Needle([string] $Text) {
        $needles = Get-Needle
        foreach ($name in $needles.Keys) {
            if ($Text.IndexOf($needles[$name], [StringComparison]::OrdinalIgnoreCase) -ge 0) { $name }
        }
    }

    function Invoke-LeakScenario([string] $Folder, [switch] $Control) {
        $scenario = Join-Path $PSScriptRoot 'Security.LeakScenario.ps1'
        $command = "& '$scenario' -ModuleManifest '$($script:ModuleManifest)' -BaseUri '$($script:Simulator.BaseUri)' -OtherBaseUri '$($script:Other.BaseUri)' -OutputFolder '$Folder'"
        if ($Control) { $command += ' -Control' }
        Reset-Simulator $script:Simulator
        # Like Invoke-FreshPwsh, but -OutputFormat Text: otherwise the child sends its verbose,
        # debug and warning records as CLIXML, which this PowerShell replays to the test log.
        $process = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
        $prefix = @()
        if ([System.IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { $prefix = @((Join-Path $PSHOME 'pwsh.dll')) }
        $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes("Import-Module '$($script:ModuleManifest)'; $command"))
        $env:MEETENGAGE_LEAK_SECRET = $script:LeakSecret
        $env:MEETENGAGE_LEAK_WRONG_SECRET = $script:WrongSecret
        try {
            $output = & $process @($prefix + @('-NoProfile', '-NonInteractive', '-OutputFormat', 'Text', '-EncodedCommand', $encoded)) 2>&1 | ForEach-Object { "$_" }
        }
        finally {
            Remove-Item Env:MEETENGAGE_LEAK_SECRET, Env:MEETENGAGE_LEAK_WRONG_SECRET
        }
        # What the host printed is one more place a leak could show.
        ($output | Out-String -Width 4096) | Set-Content -LiteralPath (Join-Path $Folder 'console.txt') -Encoding utf8
        $output
    }

    function Get-Artifact([string] $Folder, [string] $Name) {
        Get-Content -Raw -LiteralPath (Join-Path $Folder $Name)
    }
}

AfterAll {
    Disconnect-MeetEngage
    Stop-Simulator $script:Simulator
    Stop-Simulator $script:Other
}

Describe 'No secret leaves the module' {
    BeforeAll {
        $script:LeakRun = Join-Path $TestDrive 'leak'
        $script:LeakOutput = Invoke-LeakScenario $script:LeakRun
        $script:Summary = Get-Artifact $script:LeakRun 'summary.json' | ConvertFrom-Json

        $script:ControlRun = Join-Path $TestDrive 'control'
        $script:ControlOutput = Invoke-LeakScenario $script:ControlRun -Control
    }

    It 'ran every cmdlet with every stream on, successes and failures alike' {
        $script:LeakOutput | Select-Object -Last 1 | Should -Be 'scenario complete'
        $script:Summary.Verbose | Should -BeGreaterThan 10
        $script:Summary.Debug | Should -BeGreaterThan 10
        $script:Summary.Information | Should -BeGreaterThan 0
        $script:Summary.Warning | Should -BeGreaterThan 0
        $script:Summary.Rows | Should -BeGreaterThan 0
        $script:Summary.ProgressRows | Should -BeGreaterThan 0
        foreach ($id in 'AuthenticationFailed', 'NotFound', 'BadRequest', 'InvalidResponse', 'TruncatedResponse', 'RedirectRefused', 'ApiReportedError') {
            $script:Summary.ErrorIds | Should -Contain "MeetEngage.$id"
        }
    }

    It 'traces each request in debug as its method and URL, then Authorization: Basic ***' {
        $requests = @($script:Summary.DebugMessages | Where-Object { $_ -like 'GET http*' -and $_ -like "*`n*" })
        $requests.Count | Should -BeGreaterThan 10
        $requests | ForEach-Object { ($_ -split "`n")[1] | Should -BeExactly 'Authorization: Basic ***' }
        $requests | Where-Object { $_ -like '*organisation_data?account=demo&data_method=*&from_date=*&to_date=*' } | Should -Not -BeNullOrEmpty
    }

    It 'keeps a transcript that holds the streams it is searched for' {
        $transcript = Get-Artifact $script:LeakRun 'transcript.txt'
        $transcript | Should -Match 'Authorization: Basic \*\*\*'
        $transcript | Should -Match 'did not accept the key pair'
        $transcript | Should -Match 'The API warned: echo: Authorization: Basic \*\*\*'
    }

    It 'would see a secret written to <Artifact> (the control run plants one in every channel)' -TestCases @(
        @{ Artifact = 'transcript.txt' }, @{ Artifact = 'console.txt' }, @{ Artifact = 'streams.txt' }, @{ Artifact = 'progress-pass.txt' }
        @{ Artifact = 'errors.txt' }, @{ Artifact = 'get-error.txt' }, @{ Artifact = 'errors.clixml' }
        @{ Artifact = 'views.txt' }, @{ Artifact = 'views.json' }, @{ Artifact = 'views.clixml' }
    ) {
        Find-Needle (Get-Artifact $script:ControlRun $Artifact) | Should -Contain 'the secret'
    }

    It 'has neither secret nor any form of the header value in <Artifact>' -TestCases @(
        @{ Artifact = 'transcript.txt'; What = 'the transcript' }
        @{ Artifact = 'console.txt'; What = 'what the host printed' }
        @{ Artifact = 'streams.txt'; What = 'every record of every stream (*>&1), errors in full' }
        @{ Artifact = 'progress-pass.txt'; What = 'progress and all other streams of a PowerShell instance' }
        @{ Artifact = 'errors.txt'; What = '$Error | Format-List * -Force, inner exceptions, ErrorDetails, InvocationInfo' }
        @{ Artifact = 'get-error.txt'; What = 'Get-Error' }
        @{ Artifact = 'errors.clixml'; What = '$Error | Export-Clixml (what job streams serialize)' }
        @{ Artifact = 'views.txt'; What = 'the session and access results: Format-List/Table/Custom, ToString' }
        @{ Artifact = 'views.json'; What = 'the same, ConvertTo-Json' }
        @{ Artifact = 'views.clixml'; What = 'the same, Export-Clixml' }
    ) {
        $found = @(Find-Needle (Get-Artifact $script:LeakRun $Artifact))
        $found | Should -BeNullOrEmpty -Because "$What must not hold $($found -join ', ')"
    }
}

Describe 'Transport' {
    BeforeEach {
        Disconnect-MeetEngage
    }

    It 'refuses plain http to <Uri> with <Command>, naming the risk' -TestCases @(
        @{ Command = 'Connect-MeetEngage'; Uri = 'http://meetandengage.com/api/1.0/rest' }
        @{ Command = 'Test-MeetEngageAccess'; Uri = 'http://meetandengage.com/api/1.0/rest' }
        @{ Command = 'Connect-MeetEngage'; Uri = 'http://10.0.0.1/api/1.0/rest' }
        @{ Command = 'Connect-MeetEngage'; Uri = 'http://127.0.0.1.example.test/api/1.0/rest' }
        @{ Command = 'Connect-MeetEngage'; Uri = 'http://localhost.example.test/api/1.0/rest' }
    ) {
        $error = { & $Command -Account demo -Credential (New-TestCredential) -BaseUri $Uri } |
            Should -Throw -ErrorId "MeetEngage.InvalidBaseUri,*" -PassThru

        $error.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $error.Exception.Message | Should -Match 'plain http would send the API secret unencrypted; use https'
    }

    It 'refuses a base URI with <Case>, echoing no password' -TestCases @(
        @{ Case = 'user info'; Uri = 'https://demo-key:demo-secret@example.test/api'; Pattern = 'user name or password' }
        @{ Case = 'a query'; Uri = 'https://example.test/api?account=demo'; Pattern = 'query' }
        @{ Case = 'a fragment'; Uri = 'https://example.test/api#x'; Pattern = 'fragment' }
        @{ Case = 'another scheme'; Uri = 'ftp://example.test/api'; Pattern = 'only https' }
    ) {
        $error = { Test-MeetEngageAccess -Account demo -Credential (New-TestCredential) -BaseUri $Uri } |
            Should -Throw -ErrorId 'MeetEngage.InvalidBaseUri,*' -PassThru

        $error.Exception.Message | Should -Match $Pattern
        $error.Exception.Message | Should -Not -Match 'demo-secret'
    }
}

Describe 'Input' {
    BeforeAll {
        Connect-MeetEngage -Account demo -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri
    }

    BeforeEach {
        Reset-Simulator $script:Simulator
    }

    It 'sends the data method <Value> exactly as given' -TestCases @(
        @{ Value = 'a&b' }, @{ Value = 'x=y' }, @{ Value = 'frag#ment' }, @{ Value = 'with/slash' }
        @{ Value = ' two  spaces ' }, @{ Value = 'plus+sign' }, @{ Value = '100%' }, @{ Value = 'q?x=1&y' }
        @{ Value = 'Zoë café — 日本 🎉' }, @{ Value = 'a&b=c #d/é?+%20' }
    ) {
        Get-MeetEngageData -DataMethod $Value -ErrorAction SilentlyContinue

        $request = @(Get-SimulatorRequest $script:Simulator)[-1]
        $request.query.data_method | Should -BeExactly $Value
        $request.query.account | Should -BeExactly 'demo'
        @($request.query.PSObject.Properties).Count | Should -Be 4
    }

    It 'sends the account <Value> exactly as given' -TestCases @(
        @{ Value = 'Acme & Co' }, @{ Value = 'a=b' }, @{ Value = '#1' }, @{ Value = 'x/y' }, @{ Value = 'Société Générale' }, @{ Value = '株式会社' }
    ) {
        $session = Connect-MeetEngage -Account $Value -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri -SkipValidation -PassThru
        try {
            { Get-MeetEngageData -Session $session } | Should -Throw -ErrorId 'MeetEngage.AccessDenied,*'
        }
        finally {
            Disconnect-MeetEngage -Session $session
        }

        $request = @(Get-SimulatorRequest $script:Simulator)[-1]
        $request.query.account | Should -BeExactly $Value
        $request.query.data_method | Should -BeExactly 'standard'
    }

    It 'refuses <Case> at parameter binding, sending nothing' -TestCases @(
        @{ Case = 'an empty account (Connect)'; Command = { Connect-MeetEngage -Account '' -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri } }
        @{ Case = 'a white-space account (Connect)'; Command = { Connect-MeetEngage -Account " `t " -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri } }
        @{ Case = 'an empty account (Test-MeetEngageAccess)'; Command = { Test-MeetEngageAccess -Account '' -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri } }
        @{ Case = 'a white-space account (Test-MeetEngageAccess)'; Command = { Test-MeetEngageAccess -Account '   ' -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri } }
        @{ Case = 'an empty data method'; Command = { Get-MeetEngageData -DataMethod '' } }
        @{ Case = 'a white-space data method'; Command = { Get-MeetEngageData -DataMethod "  `t" } }
        @{ Case = 'a null data method'; Command = { Get-MeetEngageData -DataMethod $null } }
        @{ Case = 'a white-space data method from the pipeline'; Command = { ' ' | Get-MeetEngageData -ErrorAction Stop } }
        @{ Case = 'a negative timeout'; Command = { Connect-MeetEngage -Account demo -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri -TimeoutSec -1 } }
        @{ Case = 'a zero timeout'; Command = { Connect-MeetEngage -Account demo -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri -TimeoutSec 0 } }
        @{ Case = 'a negative retry count'; Command = { Connect-MeetEngage -Account demo -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri -MaximumRetryCount -1 } }
    ) {
        { & $Command } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
        Get-SimulatorRequest $script:Simulator | Should -BeNullOrEmpty
    }

    It 'refuses <Case>, sending nothing' -TestCases @(
        @{ Case = 'a date before 1970'; Command = { Get-MeetEngageData -From '1969-12-31' }; ErrorId = 'MeetEngage.InvalidDate,*' }
        @{ Case = 'an end date before 1970'; Command = { Get-MeetEngageData -To '1960-01-01' }; ErrorId = 'MeetEngage.InvalidDate,*' }
        @{ Case = 'a date that does not exist'; Command = { Get-MeetEngageData -From '2024-02-30' }; ErrorId = 'CannotConvertArgumentNoMessage,*' }
        @{ Case = '-From after -To'; Command = { Get-MeetEngageData -From '2024-02-02' -To '2024-02-01' }; ErrorId = 'MeetEngage.FromAfterTo,*' }
    ) {
        { & $Command } | Should -Throw -ErrorId $ErrorId
        Get-SimulatorRequest $script:Simulator | Should -BeNullOrEmpty
    }
}

Describe 'Redirects' {
    BeforeEach {
        Disconnect-MeetEngage
        Reset-Simulator $script:Simulator
        Reset-Simulator $script:Other
        $script:Elsewhere = "$($script:Other.BaseUri)/organisation_data?account=demo&data_method=standard"
    }

    It 'refuses a <Status> redirect of a data call to another origin, which receives nothing' -TestCases @(
        @{ Status = 301 }, @{ Status = 302 }, @{ Status = 303 }, @{ Status = 307 }, @{ Status = 308 }
    ) {
        Connect-MeetEngage -Account demo -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri
        Add-SimulatorFault $script:Simulator @{ kind = 'redirect'; status = $Status; location = $script:Elsewhere }

        $error = { Get-MeetEngageData } | Should -Throw -ErrorId 'MeetEngage.RedirectRefused,*' -PassThru

        $error.CategoryInfo.Category | Should -Be 'SecurityError'
        $error.Exception.Message | Should -Match ([regex]::Escape("redirected to $($script:Other.BaseUri)/organisation_data."))
        $error.Exception.Message | Should -Match 'same https origin'
        $elsewhere = @(Get-SimulatorRequest $script:Other)
        @($elsewhere | Where-Object { $_.authorization }) | Should -BeNullOrEmpty
        $elsewhere | Should -BeNullOrEmpty
        $requests = @(Get-SimulatorRequest $script:Simulator | Where-Object path -like '*organisation_data')
        $requests.Count | Should -Be 1
        $requests[0].fault | Should -Be 'redirect'
    }

    It 'refuses a redirect of the key check to another origin: <Case>' -TestCases @(
        @{ Case = 'Connect-MeetEngage stores no session'; Command = { Connect-MeetEngage -Account demo -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri } }
        @{ Case = 'Test-MeetEngageAccess with a key pair'; Command = { Test-MeetEngageAccess -Account demo -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri } }
    ) {
        Add-SimulatorFault $script:Simulator @{ kind = 'redirect'; target = 'root'; location = $script:Other.BaseUri }

        { & $Command } | Should -Throw -ErrorId 'MeetEngage.RedirectRefused,*'

        Get-SimulatorRequest $script:Other | Should -BeNullOrEmpty
        { Get-MeetEngageData } | Should -Throw -ErrorId 'MeetEngage.NotConnected,*'
    }

    It 'refuses a redirect to the same port under another host name' {
        Connect-MeetEngage -Account demo -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri
        $port = ([uri] $script:Simulator.BaseUri).Port
        Add-SimulatorFault $script:Simulator @{ kind = 'redirect'; location = "http://localhost:$port/api/1.0/rest/organisation_data?account=demo&data_method=standard" }

        { Get-MeetEngageData } | Should -Throw -ErrorId 'MeetEngage.RedirectRefused,*'

        @(Get-SimulatorRequest $script:Simulator | Where-Object path -like '*organisation_data').Count | Should -Be 1
    }

    It 'refuses a redirect whose Location carries user info without repeating it' {
        Connect-MeetEngage -Account demo -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri
        $location = $script:Elsewhere -replace '^http://', 'http://someone:pa55word@'
        Add-SimulatorFault $script:Simulator @{ kind = 'redirect'; location = $location }

        $error = { Get-MeetEngageData } | Should -Throw -ErrorId 'MeetEngage.RedirectRefused,*' -PassThru

        $error.Exception.Message | Should -Not -Match 'pa55word'
        Get-SimulatorRequest $script:Other | Should -BeNullOrEmpty
    }

    It 'follows a redirect within the same origin, with the credentials' {
        Connect-MeetEngage -Account demo -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri
        Reset-Simulator $script:Simulator
        Add-SimulatorFault $script:Simulator @{ kind = 'redirect'; status = 307; location = "$($script:Simulator.BaseUri)/organisation_data?account=demo&data_method=custom_method_basic_info&from_date=0&to_date=4102444800000" }

        $rows = @(Get-MeetEngageData)

        $rows.Count | Should -Be 200
        $rows[0].PSObject.Properties.Name -join ',' | Should -Be 'Device,EmailAddress,AttendedOnlineLiveChat,Registered,Country'
        $requests = @(Get-SimulatorRequest $script:Simulator)
        $requests.Count | Should -Be 2
        $requests[0].fault | Should -Be 'redirect'
        $requests[1].query.data_method | Should -Be 'custom_method_basic_info'
        $requests[1].authorization | Should -BeTrue
        $requests[1].key | Should -Be 'demo-key'
    }

    It 'gives up on a redirect loop within the origin after 5 hops, and does not retry it' {
        # The default retry count: a loop would meet itself again, so it is never retried.
        Connect-MeetEngage -Account demo -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri
        Reset-Simulator $script:Simulator
        Add-SimulatorFault $script:Simulator @{ kind = 'redirect'; count = 50; location = "$($script:Simulator.BaseUri)/organisation_data?account=demo&data_method=standard" }

        $error = { Get-MeetEngageData -ErrorAction Stop } | Should -Throw -ErrorId 'MeetEngage.TooManyRedirects,*' -PassThru

        $error.CategoryInfo.Category | Should -Be 'ConnectionError'
        @(Get-SimulatorRequest $script:Simulator).Count | Should -Be 5
    }
}

Describe 'Hostile responses' {
    BeforeAll {
        # No retries, and a short silence limit, so each response is judged once and at once.
        $script:Hostile = Connect-MeetEngage -Account demo -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri -MaximumRetryCount 0 -TimeoutSec 3 -PassThru
        $script:InvalidUtf8 = [Convert]::ToBase64String([byte[]] (@([Text.Encoding]::UTF8.GetBytes('{"output":[{"a":"')) + @(0xC3, 0x28, 0xFF, 0xFE) + @([Text.Encoding]::UTF8.GetBytes('"}]}'))))
        $script:EchoPage = "<html><body><h1>400 Bad Request</h1><pre>GET /api/1.0/rest/organisation_data`nAuthorization: Basic $($script:DemoHeaderValue)`nUser-Agent: MeetEngage</pre></body></html>"
    }

    AfterAll {
        Disconnect-MeetEngage -Session $script:Hostile
    }

    BeforeEach {
        Reset-Simulator $script:Simulator
    }

    It '<Case>: <ErrorId>, <Category>, with a short excerpt' -TestCases @(
        @{ Case = 'an HTML page (200, text/html)'; Fault = @{ kind = 'html'; status = 200 }; ErrorId = 'InvalidResponse'; Category = 'InvalidData'; Pattern = "an HTML page instead of JSON.*It began: '<!DOCTYPE html>" }
        @{ Case = 'an HTML page (200, application/json)'; Fault = @{ kind = 'raw'; contentType = 'application/json'; body = '<!DOCTYPE html><html><body><h1>Sign in</h1></body></html>' }; ErrorId = 'InvalidResponse'; Category = 'InvalidData'; Pattern = "'<' is an invalid start of a value.*It began: '<!DOCTYPE html><html><body><h1>Sign in" }
        @{ Case = 'a proxy''s HTML error page (502)'; Fault = @{ kind = 'html'; status = 502 }; ErrorId = 'ServerError'; Category = 'ConnectionError'; Pattern = '502 Bad Gateway\. The API said: \(an HTML page\)' }
        @{ Case = 'plain text (200)'; Fault = @{ kind = 'raw'; contentType = 'text/plain'; body = 'Service temporarily unavailable' }; ErrorId = 'InvalidResponse'; Category = 'InvalidData'; Pattern = "It began: 'Service temporarily unavailable'" }
        @{ Case = 'an empty body (200)'; Fault = @{ kind = 'raw'; body = '' }; ErrorId = 'TruncatedResponse'; Category = 'InvalidData'; Pattern = 'ended before its JSON was complete, after 0 rows' }
        @{ Case = 'a JSON array, not an object'; Fault = @{ kind = 'raw'; body = '[{"a":1}]' }; ErrorId = 'InvalidResponse'; Category = 'InvalidData'; Pattern = "not a JSON object.*It began: '\[\{`"a`":1\}\]'" }
        @{ Case = '''output'' missing'; Fault = @{ kind = 'noOutput' }; ErrorId = 'InvalidResponse'; Category = 'InvalidData'; Pattern = "no 'output' array.*It began: '\{`"something`":`"else`"\}'" }
        @{ Case = '''output'' an object'; Fault = @{ kind = 'notArray' }; ErrorId = 'InvalidResponse'; Category = 'InvalidData'; Pattern = "'output' is an object, not an array" }
        @{ Case = '''output'' null'; Fault = @{ kind = 'raw'; body = '{"output":null}' }; ErrorId = 'InvalidResponse'; Category = 'InvalidData'; Pattern = "'output' is null, not an array" }
        @{ Case = 'rows that are not objects'; Fault = @{ kind = 'rowsNotObjects' }; ErrorId = 'InvalidResponse'; Category = 'InvalidData'; Pattern = "row 1 of 'output' is a number, not an object" }
        @{ Case = 'nesting 10,000 deep'; Fault = @{ kind = 'deepNesting' }; ErrorId = 'InvalidResponse'; Category = 'InvalidData'; Pattern = 'maximum configured depth of 64' }
        @{ Case = 'nesting 10,000,000 deep'; Fault = @{ kind = 'deepNesting'; depth = 10000000 }; ErrorId = 'InvalidResponse'; Category = 'InvalidData'; Pattern = 'maximum configured depth of 64' }
        @{ Case = 'nesting in metadata'; Fault = @{ kind = 'raw'; body = '{"meta":' + ('[' * 1000) + (']' * 1000) + ',"output":[]}' }; ErrorId = 'InvalidResponse'; Category = 'InvalidData'; Pattern = 'maximum configured depth of 64' }
        @{ Case = 'invalid UTF-8'; Fault = @{ kind = 'raw'; bodyBase64 = 'INVALID_UTF8' }; ErrorId = 'InvalidResponse'; Category = 'InvalidData'; Pattern = 'not valid UTF-8' }
        @{ Case = 'a single 64 MB value'; Fault = @{ kind = 'hugeValue' }; ErrorId = 'InvalidResponse'; Category = 'InvalidData'; Pattern = "a single value is larger than 16,777,216 bytes.*It began: '\{`"output`":\[\{`"Value`":`"xxxx" }
        @{ Case = 'a body that never ends'; Fault = @{ kind = 'endless' }; ErrorId = 'InvalidResponse'; Category = 'InvalidData'; Pattern = 'a single value is larger than 16,777,216 bytes' }
        @{ Case = 'a body that stops sending'; Fault = @{ kind = 'stall'; afterRows = 0; seconds = 60 }; ErrorId = 'Timeout'; Category = 'OperationTimeout'; Pattern = 'sent nothing for 3 s.*0 rows had been written' }
        @{ Case = 'content after the JSON'; Fault = @{ kind = 'raw'; body = '{"output":[]}<html></html>' }; ErrorId = 'InvalidResponse'; Category = 'InvalidData'; Pattern = "'<' is invalid after a single JSON value" }
        @{ Case = 'a page echoing the Authorization header (200)'; Fault = @{ kind = 'raw'; contentType = 'text/html'; body = 'ECHO_PAGE' }; ErrorId = 'InvalidResponse'; Category = 'InvalidData'; Pattern = 'Authorization: Basic \*\*\* User-Agent' }
        @{ Case = 'an error echoing the Authorization header (400)'; Fault = @{ kind = 'status'; status = 400; body = 'ECHO_JSON' }; ErrorId = 'BadRequest'; Category = 'InvalidArgument'; Pattern = 'The API said: Bad request; Authorization: Basic \*\*\*\.' }
        @{ Case = 'a 1 MB error body (500)'; Fault = @{ kind = 'status'; status = 500; contentType = 'text/plain'; body = ('x' * 1MB) }; ErrorId = 'ServerError'; Category = 'ConnectionError'; Pattern = "500 Internal Server Error\. The API said: 'xxxx" }
    ) {
        $fault = $Fault.Clone()
        if ($fault.bodyBase64 -eq 'INVALID_UTF8') { $fault.bodyBase64 = $script:InvalidUtf8 }
        if ($fault.body -eq 'ECHO_PAGE') { $fault.body = $script:EchoPage }
        if ($fault.body -eq 'ECHO_JSON') { $fault.body = @{ error = "Bad request; Authorization: Basic $($script:DemoHeaderValue)" } | ConvertTo-Json -Compress }
        Add-SimulatorFault $script:Simulator $fault

        $problems = $null
        $rows = @(Get-MeetEngageData custom_method_basic_info -Session $script:Hostile -ErrorVariable problems -ErrorAction SilentlyContinue)

        $rows | Should -BeNullOrEmpty
        @($problems).Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -BeLike "MeetEngage.$ErrorId,*"
        $problems[0].CategoryInfo.Category | Should -Be $Category
        $message = $problems[0].Exception.Message
        $message | Should -Match $Pattern
        $message.Length | Should -BeLessThan 800
        $message | Should -Not -Match '[\x00-\x1F]'
        $message | Should -Not -Match 'Basic [A-Za-z0-9+/=]{8,}'
        ($problems[0].Exception.ToString()).Contains($script:DemoHeaderValue) | Should -BeFalse
    }

    It 'a hostile answer at the API root: <Case>' -TestCases @(
        @{ Case = 'an HTML page'; Fault = @{ kind = 'html'; status = 200; target = 'root' }; Pattern = "without the expected \{`"authenticated`": true\}.*It began: '<!DOCTYPE html>" }
        @{ Case = 'a body that never ends'; Fault = @{ kind = 'endless'; target = 'root' }; Pattern = "without the expected \{`"authenticated`": true\}.*It began: '\{`"output`":\[\{`"a`":`"xxx" }
        @{ Case = 'a page echoing the Authorization header'; Fault = @{ kind = 'raw'; target = 'root'; contentType = 'text/html'; body = 'ECHO_PAGE' }; Pattern = 'Authorization: Basic \*\*\*' }
    ) {
        $fault = $Fault.Clone()
        if ($fault.body -eq 'ECHO_PAGE') { $fault.body = $script:EchoPage }
        Add-SimulatorFault $script:Simulator $fault

        $error = { Test-MeetEngageAccess -Session $script:Hostile -ErrorAction Stop } | Should -Throw -ErrorId 'MeetEngage.InvalidResponse,*' -PassThru

        $error.CategoryInfo.Category | Should -Be 'InvalidData'
        $error.Exception.Message | Should -Match $Pattern
        $error.Exception.Message.Length | Should -BeLessThan 800
        $error.Exception.Message | Should -Not -Match 'Basic [A-Za-z0-9+/=]{8,}'
    }

    It 'a row that is not an object after good rows: the good rows, then the error counting them' {
        Add-SimulatorFault $script:Simulator @{ kind = 'raw'; body = '{"output":[{"a":1},{"a":2},"three"]}' }

        $rows = @(Get-MeetEngageData custom_method_basic_info -Session $script:Hostile -ErrorVariable problems -ErrorAction SilentlyContinue)

        $rows.a | Should -Be @(1, 2)
        $problems[0].FullyQualifiedErrorId | Should -BeLike 'MeetEngage.InvalidResponse,*'
        $problems[0].Exception.Message | Should -Match "row 3 of 'output' is a string.*after 2 rows"
    }

    It 'metadata echoing the Authorization header reaches the warning and error streams redacted' {
        $echo = "Authorization: Basic $($script:DemoHeaderValue)"
        Add-SimulatorFault $script:Simulator @{ kind = 'meta'; warnings = @($echo); errors = @($echo); meta = @{ echo = $echo } }

        $all = @(Get-MeetEngageData custom_method_basic_info -Session $script:Hostile -Verbose -WarningAction Continue -ErrorAction SilentlyContinue -ErrorVariable problems 4>&1 3>&1)

        $texts = @($all | Where-Object { $_ -is [System.Management.Automation.WarningRecord] -or $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message) + @($problems | ForEach-Object { $_.Exception.Message })
        ($texts -join "`n") | Should -Match 'The API warned: Authorization: Basic \*\*\*'
        ($texts -join "`n") | Should -Match 'The API reported an error: Authorization: Basic \*\*\*'
        ($texts -join "`n").Contains($script:DemoHeaderValue) | Should -BeFalse
        @($all | Where-Object { $_.PSObject.Properties['EmailAddress'] }).Count | Should -Be 200
    }
}
