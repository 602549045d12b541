<#
.SYNOPSIS
    Runs every MeetEngage cmdlet the way a runbook would, with every stream on, under a
    transcript, and writes everything a person or a log could later see into -OutputFolder.
    Security.Tests.ps1 runs it in a fresh pwsh (clean $Error) and searches what it wrote.

.DESCRIPTION
    The secrets come from the environment (MEETENGAGE_LEAK_SECRET, MEETENGAGE_LEAK_WRONG_SECRET)
    so that no command line, script text or InvocationInfo.Line holds them: whatever the search
    finds came through the module. -Control also writes the secret into every channel itself,
    to prove the search would see a leak there.
#>
param(
    [Parameter(Mandatory)] [string] $ModuleManifest,
    [Parameter(Mandatory)] [string] $BaseUri,
    [Parameter(Mandatory)] [string] $OtherBaseUri,
    [Parameter(Mandatory)] [string] $OutputFolder,
    [switch] $Control
)

$ErrorActionPreference = 'Continue'
$InformationPreference = 'Continue'
$serverUri = ([uri] $BaseUri).GetLeftPart([UriPartial]::Authority)
$key = 'leak-key'
$secret = $env:MEETENGAGE_LEAK_SECRET
$wrongSecret = $env:MEETENGAGE_LEAK_WRONG_SECRET
if (-not $secret -or -not $wrongSecret) { throw 'MEETENGAGE_LEAK_SECRET and MEETENGAGE_LEAK_WRONG_SECRET must be set.' }
$credential = New-Object pscredential($key, (ConvertTo-SecureString $secret -AsPlainText -Force))
$wrongCredential = New-Object pscredential($key, (ConvertTo-SecureString $wrongSecret -AsPlainText -Force))
# What a reflecting proxy or debug page would send back: our own header, base64 and all.
$echoedHeader = 'Authorization: Basic ' + [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("${key}:$secret"))

function Add-Fault([hashtable] $Fault) {
    $body = @{ faults = @($Fault) } | ConvertTo-Json -Depth 5
    $null = Invoke-RestMethod -Method Post -Uri "$serverUri/_sim/faults" -Body $body -ContentType 'application/json' -Verbose:$false -Debug:$false
}

function Write-Artifact([string] $Name, $Value) {
    $Value | Out-String -Width 4096 | Set-Content -LiteralPath (Join-Path $OutputFolder $Name) -Encoding utf8
}

# Everything an error record carries, the way `$Error | Format-List * -Force` and friends show it.
function Format-ErrorDeeply($Record) {
    $Record | Format-List * -Force
    $exception = $Record.Exception
    while ($exception) {
        $exception | Format-List * -Force
        $exception = $exception.InnerException
    }
    if ($Record.ErrorDetails) { $Record.ErrorDetails | Format-List * -Force }
    $Record.InvocationInfo | Format-List * -Force
    $Record.CategoryInfo | Format-List * -Force
    $Record.TargetObject | Format-List * -Force
    $Record.Exception.ToString()
    $Record.ToString()
}

function Format-Record($Record) {
    $kind = $Record.GetType().Name
    switch ($kind) {
        'ErrorRecord' { "[$kind] " + (Format-ErrorDeeply $Record | Out-String -Width 4096) }
        'InformationRecord' { "[$kind] " + [string] $Record.MessageData + ' tags=' + ($Record.Tags -join ',') }
        'VerboseRecord' { "[$kind] " + $Record.Message }
        'DebugRecord' { "[$kind] " + $Record.Message }
        'WarningRecord' { "[$kind] " + $Record.Message }
        'ProgressRecord' { "[$kind] " + $Record.Activity + ' | ' + $Record.StatusDescription + ' | ' + $Record.CurrentOperation }
        default { "[$kind] " + ($Record | Format-List * -Force | Out-String -Width 4096) + ($Record | Out-String -Width 4096) }
    }
}

# Every stream on. -Debug alone would make compiled cmdlets Inquire on warnings and errors,
# which a NonInteractive host refuses; saying Continue keeps every record flowing.
$traced = @{ Verbose = $true; Debug = $true; WarningAction = 'Continue'; ErrorAction = 'Continue' }

$null = New-Item -ItemType Directory -Force -Path $OutputFolder
$transcript = Join-Path $OutputFolder 'transcript.txt'
$views = [System.Collections.Generic.List[object]]::new()

Start-Transcript -LiteralPath $transcript | Out-Null
& {
    if ($Control) {
        # Planted leaks: one per channel, so the test can prove its search sees each.
        Write-Verbose "planted $secret" -Verbose
        Write-Debug "planted $secret" -Debug
        Write-Information "planted $secret"
        Write-Warning "planted $secret"
        Write-Host "planted $secret"
        Write-Error "planted $secret"
    }

    Write-Host '== Connect-MeetEngage with a wrong secret'
    try { Connect-MeetEngage -Account demo -Credential $wrongCredential -BaseUri $BaseUri @traced } catch { $_ }

    Write-Host '== Test-MeetEngageAccess for key pairs given directly'
    Test-MeetEngageAccess -Account demo -Credential $wrongCredential -BaseUri $BaseUri @traced
    $detail = Test-MeetEngageAccess -Account demo -Credential $wrongCredential -BaseUri $BaseUri -Detailed @traced
    $views.Add($detail); $detail
    $detail = Test-MeetEngageAccess -Account demo -Credential $credential -BaseUri $BaseUri -Detailed @traced
    $views.Add($detail); $detail

    Write-Host '== Connect-MeetEngage'
    $session = Connect-MeetEngage -Account demo -Credential $credential -BaseUri $BaseUri -MaximumRetryCount 1 -TimeoutSec 10 -PassThru @traced
    $views.Add($session); $session
    if ($Control) { $session | Add-Member -NotePropertyName Planted -NotePropertyValue "planted $secret" }

    Write-Host '== Test-MeetEngageAccess for the session'
    Test-MeetEngageAccess @traced
    Test-MeetEngageAccess -Session $session -Detailed @traced

    Write-Host '== Get-MeetEngageData'
    Get-MeetEngageData custom_method_basic_info @traced | Select-Object -First 3
    Get-MeetEngageData no_such_method @traced

    if (-not $Control) {
        Add-Fault @{ kind = 'status'; status = 503; retryAfter = '1' }
        Get-MeetEngageData custom_method_basic_info -From 2024-01-01 -To 2024-01-02 @traced | Select-Object -First 1

        Add-Fault @{ kind = 'meta'; warnings = @("echo: $echoedHeader"); errors = @("echo: $echoedHeader"); meta = @{ request = @{ headers = $echoedHeader } } }
        Get-MeetEngageData custom_method_basic_info -From 2024-01-01 -To 2024-01-02 @traced

        Add-Fault @{ kind = 'status'; status = 400; body = (@{ error = "Bad request. $echoedHeader" } | ConvertTo-Json -Compress) }
        Get-MeetEngageData custom_method_basic_info @traced

        Add-Fault @{ kind = 'raw'; status = 200; contentType = 'text/html'; body = "<html><body><h1>Debug</h1><pre>$echoedHeader</pre></body></html>" }
        Get-MeetEngageData custom_method_basic_info @traced

        Add-Fault @{ kind = 'raw'; status = 200; body = "{`"output`":[{`"a`":tru $echoedHeader}]}" }
        Get-MeetEngageData custom_method_basic_info @traced

        Add-Fault @{ kind = 'truncate'; afterRows = 2 }
        Get-MeetEngageData custom_method_basic_info @traced

        Add-Fault @{ kind = 'redirect'; location = "$OtherBaseUri/organisation_data?account=demo&data_method=standard" }
        try { Get-MeetEngageData @traced } catch { $_ }

        Add-Fault @{ kind = 'html'; status = 200; target = 'root' }
        Test-MeetEngageAccess @traced

        Write-Host '== A session whose key pair is refused at the first data call'
        $unchecked = Connect-MeetEngage -Account demo -Credential $wrongCredential -BaseUri $BaseUri -SkipValidation -PassThru @traced
        try { Get-MeetEngageData -Session $unchecked @traced } catch { $_ }
        Disconnect-MeetEngage -Session $unchecked @traced
    }

    Write-Host '== Disconnect-MeetEngage'
    Disconnect-MeetEngage @traced
    Disconnect-MeetEngage @traced
} *>&1 | Tee-Object -Variable streamed | Out-Default
Stop-Transcript | Out-Null

# Progress never reaches a transcript or *>&1; a PowerShell instance of its own collects it.
$progressPass = [powershell]::Create()
$null = $progressPass.AddScript({
        param($Manifest, $BaseUri, $Credential, $Secret, $Control)
        Import-Module $Manifest
        $traced = @{ Verbose = $true; Debug = $true; WarningAction = 'Continue'; ErrorAction = 'Continue' }
        if ($Control) { Write-Progress -Activity 'planted' -Status "planted $Secret" }
        $session = Connect-MeetEngage -Account demo -Credential $Credential -BaseUri $BaseUri -PassThru @traced
        Get-MeetEngageData custom_method_basic_info -Session $session -From 2024-01-01 -To 2024-01-04 @traced
        Get-MeetEngageData no_such_method -Session $session @traced
        Disconnect-MeetEngage -Session $session
    }).AddArgument($ModuleManifest).AddArgument($BaseUri).AddArgument($credential).AddArgument($secret).AddArgument([bool] $Control)
$progressOutput = $progressPass.Invoke()
$streams = $progressPass.Streams
$progressText = @(
    $streams.Progress | ForEach-Object { Format-Record $_ }
    $streams.Verbose | ForEach-Object { Format-Record $_ }
    $streams.Debug | ForEach-Object { Format-Record $_ }
    $streams.Information | ForEach-Object { Format-Record $_ }
    $streams.Warning | ForEach-Object { Format-Record $_ }
    $streams.Error | ForEach-Object { Format-Record $_ }
    $progressOutput | ForEach-Object { Format-Record $_ }
)
$progressPass.Dispose()

Write-Artifact 'streams.txt' ($streamed | ForEach-Object { Format-Record $_ })
Write-Artifact 'progress-pass.txt' $progressText
Write-Artifact 'errors.txt' ($Error | ForEach-Object { Format-ErrorDeeply $_ })
Write-Artifact 'get-error.txt' (Get-Error -Newest $Error.Count)
$Error | Export-Clixml -LiteralPath (Join-Path $OutputFolder 'errors.clixml') -Depth 3
Write-Artifact 'views.txt' @(
    foreach ($view in $views) {
        $view | Format-List
        $view | Format-List * -Force
        $view | Format-Table
        $view | Format-Table * -Force
        $view | Format-Custom -Depth 3
        $view.ToString()
        $view
    }
)
Write-Artifact 'views.json' ($views | ConvertTo-Json -Depth 5)
$views | Export-Clixml -LiteralPath (Join-Path $OutputFolder 'views.clixml') -Depth 5

# What the test checks to know the scenario really ran.
$records = @($streamed) + @($progressText)
[pscustomobject]@{
    Verbose       = @($streamed | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Count
    Debug         = @($streamed | Where-Object { $_ -is [System.Management.Automation.DebugRecord] }).Count
    Information   = @($streamed | Where-Object { $_ -is [System.Management.Automation.InformationRecord] }).Count
    Warning       = @($streamed | Where-Object { $_ -is [System.Management.Automation.WarningRecord] }).Count
    Error         = @($streamed | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }).Count
    Rows          = @($streamed | Where-Object { $_ -is [pscustomobject] -and $_.PSObject.Properties['EmailAddress'] }).Count
    Progress      = @($streams.Progress).Count
    ProgressRows  = @($progressOutput).Count
    ErrorIds      = @($Error | ForEach-Object { $_.FullyQualifiedErrorId -replace ',.*$', '' } | Sort-Object -Unique)
    DebugMessages = @($streamed | Where-Object { $_ -is [System.Management.Automation.DebugRecord] } | ForEach-Object Message)
    Records       = $records.Count
} | ConvertTo-Json -Depth 3 | Set-Content -LiteralPath (Join-Path $OutputFolder 'summary.json') -Encoding utf8
'scenario complete'
