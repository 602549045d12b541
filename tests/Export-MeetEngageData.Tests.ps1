BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Simulator = Start-TestSimulator -ArgumentList @('--key', 'export-key:export-secret:demo')
    $script:Session = Connect-MeetEngage -Account demo -Credential (New-TestCredential 'export-key' 'export-secret') -BaseUri $script:Simulator.BaseUri -PassThru

    function Get-DataRequest {
        @(Get-SimulatorRequest $script:Simulator | Where-Object { $_.path -like '*/organisation_data' })
    }

    # What the simulator sends, read independently of the module: the oracle for JSON Lines.
    function Get-RawBody([string] $DataMethod) {
        $uri = "$($script:Simulator.BaseUri)/organisation_data?account=demo&data_method=$DataMethod&from_date=0&to_date=4102444800000"
        (Invoke-WebRequest -Uri $uri -Authentication Basic -Credential (New-TestCredential 'export-key' 'export-secret') -AllowUnencryptedAuthentication).Content
    }

    # Every file in a folder, hidden ones included: what an export left behind.
    function Get-FolderContent([string] $Folder) {
        @(Get-ChildItem -LiteralPath $Folder -Force | Sort-Object Name | ForEach-Object Name)
    }

    function New-TestFolder {
        $folder = Join-Path ([IO.Path]::GetTempPath()) ('me-export-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        New-Item -ItemType Directory -Path $folder | Out-Null
        $folder
    }

    # Runs a script in a new pwsh connected to the simulator, as a user at another prompt would.
    function Get-ChildPwsh([string] $Script) {
        $exe = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
        $prefix = @()
        if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { $prefix = @((Join-Path $PSHOME 'pwsh.dll')) }
        $connect = "Import-Module '$($script:ModuleManifest)'; Connect-MeetEngage -Account demo -Credential (New-Object PSCredential('export-key', (ConvertTo-SecureString 'export-secret' -AsPlainText -Force))) -BaseUri '$($script:Simulator.BaseUri)'; "
        $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($connect + $Script))
        @{ Exe = $exe; Arguments = $prefix + @('-NoProfile', '-NonInteractive', '-EncodedCommand', $encoded) }
    }

    # A chunked export of 2024-01-01 .. 2024-02-10 in 10-day chunks: 4 requests, about 107 rows.
    $script:Chunked = @{ DataMethod = 'standard'; From = '2024-01-01'; To = '2024-02-10'; ChunkDays = 10 }
}

AfterAll {
    Stop-Simulator $script:Simulator
}

Describe 'Export-MeetEngageData' {
    BeforeEach {
        Reset-Simulator $script:Simulator
        $script:Folder = New-TestFolder
    }

    AfterEach {
        Remove-Item -LiteralPath $script:Folder -Recurse -Force -ErrorAction SilentlyContinue
    }

    Context 'CSV' {
        It 'reads back with Import-Csv exactly as Get-MeetEngageData -Flatten -NormalizeProperties | Export-Csv under en-US' {
            $exported = Join-Path $script:Folder 'export.csv'
            $piped = Join-Path $script:Folder 'piped.csv'
            $saved = [cultureinfo]::CurrentCulture
            [cultureinfo]::CurrentCulture = 'en-US'
            try {
                Export-MeetEngageData export_shapes -Path $exported -Session $script:Session -WarningAction SilentlyContinue
                Get-MeetEngageData export_shapes -Flatten -NormalizeProperties -Session $script:Session -WarningAction SilentlyContinue | Export-Csv -Path $piped
            }
            finally { [cultureinfo]::CurrentCulture = $saved }

            $mine = @(Import-Csv $exported)
            $theirs = @(Import-Csv $piped)
            $mine.Count | Should -Be 10
            $mine[0].PSObject.Properties.Name | Should -Be $theirs[0].PSObject.Properties.Name
            for ($i = 0; $i -lt $theirs.Count; $i++) {
                foreach ($name in $theirs[$i].PSObject.Properties.Name) {
                    $mine[$i].$name | Should -BeExactly $theirs[$i].$name -Because "row $i, column $name"
                }
            }
            [IO.File]::ReadAllBytes($exported) | Should -Be ([IO.File]::ReadAllBytes($piped)) -Because 'the quoting and encoding are Export-Csv''s'
        }

        It 'puts every row''s columns in the header, in first-seen order, late ones included' {
            $path = Join-Path $script:Folder 'shapes.csv'
            Export-MeetEngageData export_shapes -Path $path -Session $script:Session -WarningAction SilentlyContinue
            $rows = @(Import-Csv $path)
            $rows[0].PSObject.Properties.Name -join ',' |
                Should -Be 'Id,Name,Score,Active,Details.Source,Details.Campaign.Name,Details.Campaign.Id,Answers,Notes,Details,Reference,Details.Source_2,Details.Tags,Details.Empty,Late,Details.Late.Deep,Last'
            $rows[9].Last | Should -Be 'only in the last row'
            $rows[0].Last | Should -BeExactly ''
            $rows[8].'Details.Late.Deep' | Should -Be 'yes'
        }

        It 'flattens nested objects to dotted columns and arrays to compact JSON, keeping {} and []' {
            $path = Join-Path $script:Folder 'shapes.csv'
            Export-MeetEngageData export_shapes -Path $path -Session $script:Session -WarningAction SilentlyContinue
            $rows = @(Import-Csv $path)
            $rows[0].'Details.Campaign.Name' | Should -Be 'Spring'
            $rows[0].Answers | Should -BeExactly '[1,"two",null,true,2.5]'
            $rows[1].Answers | Should -BeExactly '[]'
            $rows[2].Details | Should -BeExactly '{}'
            $rows[2].Answers | Should -BeExactly '[{"q":"a,b","v":[1,2]}]'
            $rows[3].'Details.Campaign.Id' | Should -Be '8' -Because 'nested keys in another order land in the same columns'
            $rows[5].Name | Should -Be 'lower-case key' -Because 'a key differing only in case is the same column, as in PowerShell'
        }

        It 'keeps the text as sent: quotes, commas, newlines, tabs, non-ASCII; True/False; null as an empty field' {
            $path = Join-Path $script:Folder 'shapes.csv'
            Export-MeetEngageData export_shapes -Path $path -Session $script:Session -WarningAction SilentlyContinue
            $rows = @(Import-Csv $path)
            $rows[1].Name | Should -BeExactly 'She said "hello", then left'
            $rows[1].Notes | Should -BeExactly "Line one`nLine two"
            $rows[2].Name | Should -BeExactly 'Zoë, café — ✓ 日本 🎉'
            $rows[2].Notes | Should -BeExactly "Column A`tColumn B"
            $rows[0].Active | Should -BeExactly 'True'
            $rows[1].Active | Should -BeExactly 'False'
            $lines = Get-Content -LiteralPath $path
            $lines[1] | Should -Match '"Spring","7",.*,,' -Because 'null and missing cells are empty and unquoted, like Export-Csv'
        }

        It 'warns once when a dotted key collides with a flattened one, and keeps both values' {
            $path = Join-Path $script:Folder 'shapes.csv'
            Export-MeetEngageData export_shapes -Path $path -Session $script:Session -WarningVariable warnings -WarningAction SilentlyContinue
            @($warnings | Where-Object { "$_" -like "*'Details.Source'*Details.Source_2*" }).Count | Should -Be 1
            $row = @(Import-Csv $path)[6]
            $row.'Details.Source' | Should -Be 'literal'
            $row.'Details.Source_2' | Should -Be 'nested'
        }

        It 'writes UTF-8 without a BOM by default, and with one for -Encoding utf8BOM' {
            $plain = Join-Path $script:Folder 'plain.csv'
            $bom = Join-Path $script:Folder 'bom.csv'
            $utf16 = Join-Path $script:Folder 'utf16.csv'
            Export-MeetEngageData export_shapes -Path $plain -Session $script:Session -WarningAction SilentlyContinue
            Export-MeetEngageData export_shapes -Path $bom -Encoding utf8BOM -Session $script:Session -WarningAction SilentlyContinue
            Export-MeetEngageData export_shapes -Path $utf16 -Encoding unicode -Session $script:Session -WarningAction SilentlyContinue
            $plainBytes = [IO.File]::ReadAllBytes($plain)
            $plainBytes[0] | Should -Be ([byte][char]'"')
            $bomBytes = [IO.File]::ReadAllBytes($bom)
            $bomBytes[0..2] | Should -Be @(0xEF, 0xBB, 0xBF)
            $bomBytes[3..($bomBytes.Length - 1)] | Should -Be $plainBytes
            [IO.File]::ReadAllText($utf16, [Text.Encoding]::Unicode) | Should -BeExactly ([IO.File]::ReadAllText($plain, [Text.Encoding]::UTF8))
        }

        It 'writes numbers with the API''s digits, never converted or culture-formatted' {
            Add-SimulatorFault $script:Simulator @{ kind = 'raw'; body = '{"output":[{"a":1E2,"b":1.0e400,"c":0.10,"d":123456789012345678901234567890.5,"e":-0}]}' }
            $path = Join-Path $script:Folder 'numbers.csv'
            $saved = [cultureinfo]::CurrentCulture
            [cultureinfo]::CurrentCulture = 'de-DE'
            try { Export-MeetEngageData -Path $path -Session $script:Session }
            finally { [cultureinfo]::CurrentCulture = $saved }
            (Get-Content -LiteralPath $path)[1] | Should -BeExactly '"1E2","1.0e400","0.10","123456789012345678901234567890.5","-0"'
        }

        It 'writes an empty file for an empty result' {
            $path = Join-Path $script:Folder 'empty.csv'
            Export-MeetEngageData -From '2030-01-01' -To '2030-01-02' -Path $path -Session $script:Session
            (Get-Item -LiteralPath $path).Length | Should -Be 0
        }
    }

    Context 'JSON Lines' {
        It 'writes one line per row, each equal to the API''s row, numbers with their digits' {
            $path = Join-Path $script:Folder 'shapes.jsonl'
            Export-MeetEngageData export_shapes -Path $path -Session $script:Session
            $lines = [IO.File]::ReadAllText($path) -split "`n"
            $lines[-1] | Should -BeExactly '' -Because 'every line ends with \n'
            $lines = $lines[0..($lines.Count - 2)]
            $raw = @((Get-RawBody export_shapes | ConvertFrom-Json).output)
            $lines.Count | Should -Be $raw.Count
            for ($i = 0; $i -lt $raw.Count; $i++) {
                ($lines[$i] | ConvertFrom-Json | ConvertTo-Json -Compress -Depth 10) | Should -BeExactly ($raw[$i] | ConvertTo-Json -Compress -Depth 10)
            }
            $lines[0] | Should -BeLike '*"Score":1.50,*'
            $lines[2] | Should -BeLike '*"Score":12345678901234567890,*'
        }

        It 'keeps exponents and long numbers as sent' {
            Add-SimulatorFault $script:Simulator @{ kind = 'raw'; body = '{"output":[{"a":1E2,"b":1.0e400,"c":{"d":[0.10]}}]}' }
            $path = Join-Path $script:Folder 'numbers.jsonl'
            Export-MeetEngageData -Path $path -Session $script:Session
            [IO.File]::ReadAllText($path) | Should -BeExactly "{`"a`":1E2,`"b`":1.0e400,`"c`":{`"d`":[0.10]}}`n"
        }

        It 'takes the format from the extension: <Name> is <Format>' -TestCases @(
            @{ Name = 'rows.jsonl'; Parameters = @{}; Format = 'JsonLines' }
            @{ Name = 'rows.ndjson'; Parameters = @{}; Format = 'JsonLines' }
            @{ Name = 'rows.csv'; Parameters = @{}; Format = 'Csv' }
            @{ Name = 'rows.txt'; Parameters = @{}; Format = 'Csv' }
            @{ Name = 'rows.txt'; Parameters = @{ Format = 'JsonLines' }; Format = 'JsonLines' }
        ) {
            $path = Join-Path $script:Folder $Name
            $summary = Export-MeetEngageData custom_method_basic_info -Path $path -From '2024-01-01' -To '2024-01-03' -PassThru -Session $script:Session @Parameters
            $summary.Format | Should -Be $Format
            $first = (Get-Content -LiteralPath $path -TotalCount 1)
            if ($Format -eq 'Csv') { $first | Should -BeLike '"Device",*' } else { $first | Should -BeLike '{"Device":*' }
        }

        It 'refuses an encoding that is not UTF-8, before any request' {
            { Export-MeetEngageData -Path (Join-Path $script:Folder 'x.jsonl') -Encoding unicode -Session $script:Session } |
                Should -Throw -ErrorId 'MeetEngage.ExportEncodingNotUtf8,*'
            Get-DataRequest | Should -HaveCount 0
        }
    }

    Context 'the command' {
        It 'writes nothing to the pipeline; -PassThru gives one summary' {
            $path = Join-Path $script:Folder 'rows.csv'
            $output = @(Export-MeetEngageData @script:Chunked -Path $path -Session $script:Session)
            $output | Should -HaveCount 0

            Reset-Simulator $script:Simulator
            $summary = @(Export-MeetEngageData @script:Chunked -Path $path -Session $script:Session -PassThru)
            $summary | Should -HaveCount 1
            $summary[0].PSObject.TypeNames[0] | Should -Be 'MeetEngage.Export.ExportSummary'
            $summary[0].Path | Should -Be $path
            $summary[0].Format | Should -Be 'Csv'
            $summary[0].Rows | Should -Be @(Import-Csv $path).Count
            $summary[0].Columns | Should -Be 17
            $summary[0].Bytes | Should -Be (Get-Item $path).Length
            $summary[0].Requests | Should -Be (Get-DataRequest).Count
            $summary[0].Chunks | Should -Be 4
            $summary[0].Elapsed | Should -BeOfType ([timespan])
            ($summary[0] | Format-Table | Out-String) | Should -Match 'Rows\s+Columns'
        }

        It 'sends the same requests and shows the API''s warnings as Get-MeetEngageData' {
            Add-SimulatorFault $script:Simulator @{ kind = 'meta'; warnings = @('Data before 2020 is archived') }
            Export-MeetEngageData @script:Chunked -Path (Join-Path $script:Folder 'rows.csv') -Session $script:Session -WarningVariable warnings -WarningAction SilentlyContinue
            $exported = @(Get-DataRequest | ForEach-Object rawQuery)
            "$warnings" | Should -BeLike '*The API warned: Data before 2020 is archived*'
            Reset-Simulator $script:Simulator
            $null = Get-MeetEngageData @script:Chunked -Session $script:Session
            @(Get-DataRequest | ForEach-Object rawQuery) | Should -Be $exported
        }

        It 'resolves PowerShell paths: relative to the current location, on a PSDrive, and ~' {
            Push-Location $script:Folder
            try {
                Export-MeetEngageData custom_method_basic_info -Path 'relative.csv' -From '2024-01-01' -To '2024-01-02' -Session $script:Session
                New-PSDrive -Name MeExport -PSProvider FileSystem -Root $script:Folder | Out-Null
                Export-MeetEngageData custom_method_basic_info -Path 'MeExport:\drive.csv' -From '2024-01-01' -To '2024-01-02' -Session $script:Session
            }
            finally {
                Pop-Location
                Remove-PSDrive MeExport -ErrorAction SilentlyContinue
            }
            Join-Path $script:Folder 'relative.csv' | Should -Exist
            Join-Path $script:Folder 'drive.csv' | Should -Exist
            $userHome = [Environment]::GetFolderPath('UserProfile')
            $name = 'me-export-' + [guid]::NewGuid().ToString('N').Substring(0, 8) + '.csv'
            try {
                Export-MeetEngageData custom_method_basic_info -Path "~/$name" -From '2024-01-01' -To '2024-01-02' -Session $script:Session
                Join-Path $userHome $name | Should -Exist
            }
            finally { Remove-Item -LiteralPath (Join-Path $userHome $name) -ErrorAction SilentlyContinue }
        }

        It 'with -WhatIf, says what it would do and sends nothing, touches nothing' {
            $path = Join-Path $script:Folder 'rows.csv'
            'the earlier export' | Set-Content $path
            $before = [IO.File]::ReadAllBytes($path)
            Export-MeetEngageData @script:Chunked -Path $path -Session $script:Session -WhatIf
            Get-DataRequest | Should -HaveCount 0
            Get-FolderContent $script:Folder | Should -Be @('rows.csv')
            [IO.File]::ReadAllBytes($path) | Should -Be $before

            # The message, as a user sees it (PowerShell writes it to the host only).
            $pwsh = Get-ChildPwsh "Export-MeetEngageData standard -From 2024-01-01 -To 2024-02-10 -ChunkDays 10 -Path '$path' -WhatIf"
            $shown = (& $pwsh.Exe @($pwsh.Arguments) 2>&1) -join "`n"
            $shown | Should -BeLike "*What if: Performing the operation ""Export data method 'standard' (2024-01-01 to 2024-02-10, 10-day chunks) as Csv, replacing the file"" on target ""$path"".*"
            Get-DataRequest | Should -HaveCount 0
            [IO.File]::ReadAllBytes($path) | Should -Be $before
        }

        It 'supports -Confirm, and never asks by default' {
            $command = Get-Command Export-MeetEngageData
            $command.Parameters.Keys | Should -Contain 'WhatIf'
            $command.Parameters.Keys | Should -Contain 'Confirm'
            # Medium, as Export-Csv: below the default $ConfirmPreference (High), so a runbook never prompts.
            $command.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0].ConfirmImpact | Should -Be 'Medium'
            $path = Join-Path $script:Folder 'rows.csv'
            Export-MeetEngageData custom_method_basic_info -From '2024-01-01' -To '2024-01-02' -Path $path -Session $script:Session -Confirm:$false
            $path | Should -Exist
        }

        It 'refuses <Case> before any request' -TestCases @(
            @{ Case = 'a missing folder'; Path = { Join-Path $script:Folder 'no/such/folder/x.csv' }; ErrorId = 'MeetEngage.ExportFolderMissing'; Extra = @{} }
            @{ Case = 'a path that is a folder'; Path = { $script:Folder }; ErrorId = 'MeetEngage.ExportPathIsFolder'; Extra = @{} }
            @{ Case = 'an existing file with -NoClobber'; Path = { $p = Join-Path $script:Folder 'x.csv'; 'keep' | Set-Content $p; $p }; ErrorId = 'MeetEngage.ExportFileExists'; Extra = @{ NoClobber = $true } }
            @{ Case = 'a path on another provider'; Path = { 'Variable:\export' }; ErrorId = 'MeetEngage.ExportPathNotFileSystem'; Extra = @{} }
            @{ Case = 'a drive that does not exist'; Path = { 'NoSuchDrive:\x.csv' }; ErrorId = 'MeetEngage.ExportPathInvalid'; Extra = @{} }
        ) {
            $path = & $Path
            { Export-MeetEngageData -Path $path -Session $script:Session @Extra } | Should -Throw -ErrorId "$ErrorId,*"
            Get-DataRequest | Should -HaveCount 0
            if ($Extra.NoClobber) { Get-Content $path | Should -Be 'keep' }
        }
    }

    Context 'complete or not at all' {
        BeforeEach {
            $script:Target = Join-Path $script:Folder 'rows.csv'
            [IO.File]::WriteAllText($script:Target, "the earlier export`n")
            $script:Earlier = [IO.File]::ReadAllBytes($script:Target)
        }

        It 'leaves the earlier file byte for byte and no temporary file when <Case>' -TestCases @(
            @{ Case = 'the API refuses the request'; Fault = @{ kind = 'status'; status = 400 }; Parameters = @{}; ErrorId = 'MeetEngage.*' }
            @{ Case = 'the body ends early'; Fault = @{ kind = 'truncate'; afterRows = 20 }; Parameters = @{}; ErrorId = 'MeetEngage.TruncatedResponse' }
            @{ Case = 'the first chunk fails'; Fault = @{ kind = 'status'; status = 404 }; Parameters = @{ ChunkDays = 10 }; ErrorId = 'MeetEngage.*' }
            @{ Case = 'a JSON Lines body is malformed'; Fault = @{ kind = 'raw'; body = '{"output":[{"a":1},{"a":' }; Parameters = @{ Format = 'JsonLines' }; ErrorId = 'MeetEngage.*' }
        ) {
            Add-SimulatorFault $script:Simulator $Fault
            $err = $null
            Export-MeetEngageData standard -From '2024-01-01' -To '2024-02-10' -Path $script:Target -Session $script:Session @Parameters -ErrorVariable err -ErrorAction SilentlyContinue
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
            "$($err[0])" | Should -BeLike "*'$($script:Target)' was not changed.*"
            [IO.File]::ReadAllBytes($script:Target) | Should -Be $script:Earlier
            Get-FolderContent $script:Folder | Should -Be @('rows.csv')
        }

        It 'leaves the target untouched and no temporary file when the pipeline is stopped (Ctrl+C)' {
            Add-SimulatorFault $script:Simulator @{ kind = 'stall'; afterRows = 50; seconds = 60 }
            $ps = [powershell]::Create()
            $null = $ps.AddScript('param($Manifest, $Session, $Path) Import-Module $Manifest; Export-MeetEngageData standard -Path $Path -Session $Session').
                AddArgument($script:ModuleManifest).AddArgument($script:Session).AddArgument($script:Target)
            $async = $ps.BeginInvoke()
            try {
                $deadline = [DateTime]::UtcNow.AddSeconds(20)
                while (@(Get-FolderContent $script:Folder).Count -lt 2 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
                Start-Sleep -Milliseconds 300
                $async.IsCompleted | Should -BeFalse
                (Get-FolderContent $script:Folder) -like '.rows.csv.*.partial' | Should -HaveCount 1 -Because 'the rows go to a hidden file beside the target'
                $ps.Stop()
                $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            }
            finally { $ps.Dispose() }
            [IO.File]::ReadAllBytes($script:Target) | Should -Be $script:Earlier
            Get-FolderContent $script:Folder | Should -Be @('rows.csv')
        }

        It 'leaves the target untouched when the process is killed' {
            Add-SimulatorFault $script:Simulator @{ kind = 'stall'; afterRows = 50; seconds = 60 }
            $pwsh = Get-ChildPwsh "Export-MeetEngageData standard -Path '$($script:Target)'"
            $child = Start-Process -FilePath $pwsh.Exe -ArgumentList $pwsh.Arguments -PassThru
            try {
                $deadline = [DateTime]::UtcNow.AddSeconds(30)
                while (@(Get-FolderContent $script:Folder).Count -lt 2 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
                Start-Sleep -Milliseconds 300
                $child.HasExited | Should -BeFalse
            }
            finally { $child.Kill(); $child.WaitForExit() }
            [IO.File]::ReadAllBytes($script:Target) | Should -Be $script:Earlier
            # A killed process cannot clean up: its hidden temporary file stays...
            $left = @((Get-FolderContent $script:Folder) -like '.rows.csv.*.partial')
            $left | Should -HaveCount 1
            (Get-FolderContent $script:Folder) -notlike '.rows.csv.*.partial' | Should -Be @('rows.csv')

            # ...until the next export of the same target, which removes it.
            Reset-Simulator $script:Simulator
            $verbose = Export-MeetEngageData custom_method_basic_info -From '2024-01-01' -To '2024-01-02' -Path $script:Target -Session $script:Session -Verbose 4>&1
            "$verbose" | Should -BeLike "*Removed '$($left[0])', a temporary file of an earlier export of '$($script:Target)' that was stopped before it could clean up*"
            Get-FolderContent $script:Folder | Should -Be @('rows.csv')
            [IO.File]::ReadAllBytes($script:Target) | Should -Not -Be $script:Earlier
        }

        It 'keeps the temporary files another export has open, and files not named as its own' {
            $live = Join-Path $script:Folder '.rows.csv.0123abcd.partial'
            $notOurs = @('.rows.csv.notmine.partial', '.rows.csv.0123abcd.partial.bak', '.other.csv.89abcdef.partial', '.rows.csv.89abcdeg.tmp')
            foreach ($name in $notOurs) { 'keep' | Set-Content (Join-Path $script:Folder $name) }
            'abandoned' | Set-Content (Join-Path $script:Folder '.rows.csv.89abcdef.tmp')
            $held = [IO.File]::Open($live, 'Create', 'ReadWrite', 'None')
            try {
                Export-MeetEngageData custom_method_basic_info -From '2024-01-01' -To '2024-01-02' -Path $script:Target -Session $script:Session
            }
            finally { $held.Dispose() }
            $content = Get-FolderContent $script:Folder
            $content | Should -Contain '.rows.csv.0123abcd.partial' -Because 'another export is writing it'
            foreach ($name in $notOurs) { $content | Should -Contain $name }
            $content | Should -Not -Contain '.rows.csv.89abcdef.tmp'
            $content | Should -Contain 'rows.csv'
        }

        It 'fails clearly and leaves the earlier file when the disk fills up' {
            if (-not $IsLinux -or [Environment]::UserName -ne 'root') { Set-ItResult -Skipped -Because 'a small tmpfs needs root on Linux'; return }
            $disk = New-TestFolder
            mount -t tmpfs -o size=128k tmpfs $disk 2>$null
            if ($LASTEXITCODE -ne 0) { Remove-Item $disk; Set-ItResult -Skipped -Because 'mount is not allowed here'; return }
            try {
                $target = Join-Path $disk 'rows.csv'
                [IO.File]::WriteAllBytes($target, $script:Earlier)
                $err = $null
                Export-MeetEngageData standard -From '2024-01-01' -To '2025-01-01' -Path $target -Session $script:Session -ErrorVariable err -ErrorAction SilentlyContinue
                $err | Should -HaveCount 1
                $err[0].FullyQualifiedErrorId | Should -BeLike 'MeetEngage.ExportWriteFailed,*'
                $err[0].CategoryInfo.Category | Should -Be 'WriteError'
                "$($err[0])" | Should -BeLike "*'$target' was not changed.*"
                [IO.File]::ReadAllBytes($target) | Should -Be $script:Earlier
                Get-FolderContent $disk | Should -Be @('rows.csv')
            }
            finally {
                umount $disk
                Remove-Item -LiteralPath $disk -Recurse -Force
            }
        }
    }

    Context 'resume' {
        BeforeAll {
            $script:Reference = Join-Path ([IO.Path]::GetTempPath()) ('me-export-reference-' + [guid]::NewGuid().ToString('N').Substring(0, 8) + '.csv')
            Export-MeetEngageData @script:Chunked -Path $script:Reference -Session $script:Session
        }

        AfterAll { Remove-Item -LiteralPath $script:Reference -ErrorAction SilentlyContinue }

        BeforeEach {
            $script:Target = Join-Path $script:Folder 'rows.csv'
            # Chunks 1 and 2 succeed, chunk 3 is refused (400 is never retried).
            Add-SimulatorFault $script:Simulator @(@{ kind = 'delay'; seconds = 0.01; count = 2 }, @{ kind = 'status'; status = 400 })
            $err = $null
            Export-MeetEngageData @script:Chunked -Path $script:Target -Session $script:Session -ErrorVariable err -ErrorAction SilentlyContinue
            $script:Failure = $err
        }

        It 'keeps the finished chunks beside the target and says to run again with -Resume' {
            $script:Failure | Should -HaveCount 1
            "$($script:Failure[0])" | Should -BeLike '*Chunk 3 of 4 (2024-01-21 to 2024-01-31 UTC) failed*run the same command with -Resume*'
            $script:Target | Should -Not -Exist
            $kept = Get-FolderContent $script:Folder
            $kept | Should -HaveCount 2
            $kept -like '.rows.csv.*.partial' | Should -HaveCount 1
            $kept -like '.rows.csv.meetengage-resume.json' | Should -HaveCount 1
            $state = Get-Content -Raw (Join-Path $script:Folder '.rows.csv.meetengage-resume.json')
            $state | Should -Not -BeLike '*export-secret*'
            $state | Should -Not -BeLike '*export-key*'
            ($state | ConvertFrom-Json).ChunksDone | Should -Be 2
        }

        It 'fetches only the missing chunks and writes the same file as an export that never failed' {
            Reset-Simulator $script:Simulator
            Export-MeetEngageData @script:Chunked -Path $script:Target -Session $script:Session -Resume
            $requests = Get-DataRequest
            $requests | Should -HaveCount 2
            $requests.query.from_date | Should -Be @('1705795200000', '1706659200000')
            [IO.File]::ReadAllBytes($script:Target) | Should -Be ([IO.File]::ReadAllBytes($script:Reference))
            Get-FolderContent $script:Folder | Should -Be @('rows.csv')
        }

        It 'refuses -Resume with a different <Name>, before any request' -TestCases @(
            @{ Name = 'chunk size'; Change = @{ ChunkDays = 5 } }
            @{ Name = 'range'; Change = @{ To = '2024-02-11' } }
            @{ Name = 'data method'; Change = @{ DataMethod = 'custom_method_basic_info' } }
            @{ Name = 'format'; Change = @{ Format = 'JsonLines' } }
        ) {
            Reset-Simulator $script:Simulator
            $parameters = $script:Chunked.Clone()
            foreach ($key in $Change.Keys) { $parameters[$key] = $Change[$key] }
            $err = $null
            Export-MeetEngageData @parameters -Path $script:Target -Session $script:Session -Resume -ErrorVariable err -ErrorAction SilentlyContinue
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'MeetEngage.ResumeMismatch,*'
            "$($err[0])" | Should -BeLike '*other parameters*'
            Get-DataRequest | Should -HaveCount 0
            Get-FolderContent $script:Folder | Should -HaveCount 2 -Because 'the kept state survives a refused resume'
        }

        It 'without -Resume, discards what was kept with a warning and exports everything' {
            Reset-Simulator $script:Simulator
            Export-MeetEngageData @script:Chunked -Path $script:Target -Session $script:Session -WarningVariable warnings -WarningAction SilentlyContinue
            "$warnings" | Should -BeLike '*unfinished export*discarded*'
            Get-DataRequest | Should -HaveCount 4
            [IO.File]::ReadAllBytes($script:Target) | Should -Be ([IO.File]::ReadAllBytes($script:Reference))
            Get-FolderContent $script:Folder | Should -Be @('rows.csv')
        }
    }

    It '-Resume with nothing kept runs the whole export' {
        $target = Join-Path $script:Folder 'rows.csv'
        Export-MeetEngageData @script:Chunked -Path $target -Session $script:Session -Resume
        Get-DataRequest | Should -HaveCount 4
        Get-FolderContent $script:Folder | Should -Be @('rows.csv')
    }

    It 'resumes a JSON Lines export to the same file as one that never failed' {
        $reference = Join-Path $script:Folder 'reference.jsonl'
        $target = Join-Path $script:Folder 'rows.jsonl'
        Export-MeetEngageData @script:Chunked -Path $reference -Session $script:Session
        Add-SimulatorFault $script:Simulator @(@{ kind = 'delay'; seconds = 0.01; count = 1 }, @{ kind = 'reset'; afterRows = 5; count = 10 })
        Export-MeetEngageData @script:Chunked -Path $target -Session $script:Session -ErrorAction SilentlyContinue
        $target | Should -Not -Exist
        Reset-Simulator $script:Simulator
        Export-MeetEngageData @script:Chunked -Path $target -Session $script:Session -Resume
        @(Get-DataRequest) | Should -HaveCount 3
        [IO.File]::ReadAllBytes($target) | Should -Be ([IO.File]::ReadAllBytes($reference))
    }
}

Describe 'Get-MeetEngageData -Flatten' {
    BeforeEach { Reset-Simulator $script:Simulator }

    It 'gives dotted properties for nested objects and JSON text for arrays, numbers typed as without -Flatten' {
        $rows = @(Get-MeetEngageData -From '2024-01-01' -To '2024-01-02' -Flatten -Session $script:Session)
        $rows[0].PSObject.Properties.Name -join ',' |
            Should -Be 'EventId,EventName,Date,Device,EmailAddress,AttendedOnlineLiveChat,Registered,Country,Sessions,Score,Reference,Notes,Details.Source,Details.Campaign.Name,Details.Campaign.Id,Answers'
        $rows[0].'Details.Campaign.Name' | Should -Be 'Spring'
        $rows[0].'Details.Campaign.Id' | Should -BeOfType ([int])
        $rows[0].Answers | Should -BeExactly '[1,"two",null,true,2.5]'
        $rows[0].Score | Should -BeOfType ([decimal])
        $rows[0].Reference | Should -BeOfType ([long])
        $rows[0].Registered | Should -BeOfType ([bool])
        $rows[1].Details | Should -BeNullOrEmpty
    }

    It '-Property takes the dotted names' {
        $rows = @(Get-MeetEngageData -From '2024-01-01' -To '2024-01-02' -Flatten -Property EventId, 'Details.Campaign.Name' -Session $script:Session)
        $rows[0].PSObject.Properties.Name -join ',' | Should -Be 'EventId,Details.Campaign.Name'
        $rows[0].'Details.Campaign.Name' | Should -Be 'Spring'
    }

    It 'warns once, at the end, about a -Property name that no row had' {
        $rows = @(Get-MeetEngageData -From '2024-01-01' -To '2024-01-03' -Flatten -Property EventId, 'Details.Campain.Name', Nope -Session $script:Session -WarningVariable warnings -WarningAction SilentlyContinue)
        $rows.Count | Should -BeGreaterThan 1
        $warnings | Should -HaveCount 1
        "$warnings" | Should -BeLike "*'Details.Campain.Name', 'Nope'*"
    }
}
