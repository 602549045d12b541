# What build.ps1 -Task Package makes (Test runs it before Pester): the built manifest, the .nupkg
# installed the way a user installs from a repository, and the zip Azure Automation imports, each
# imported by name in a fresh pwsh and used against the simulator.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $script:RepoRoot '.build/Package.ps1')

    $script:ModuleFolder = Split-Path $script:ModuleManifest -Parent
    $script:OutputFolder = Split-Path (Split-Path $script:ModuleFolder -Parent) -Parent
    $script:SourceManifest = Import-PowerShellDataFile (Join-Path $script:RepoRoot 'MeetEngage.psd1')
    $script:Version = $script:SourceManifest.ModuleVersion
    $script:Nupkg = Join-Path $script:OutputFolder "repository/MeetEngage.$($script:Version).nupkg"
    $script:Zip = Join-Path $script:OutputFolder "MeetEngage-$($script:Version).zip"
    $script:AutomationZip = Join-Path $script:OutputFolder 'MeetEngage.zip'
    foreach ($artifact in $script:Nupkg, $script:Zip, $script:AutomationZip) {
        if (-not (Test-Path $artifact)) { throw "$artifact is missing: run ./build.ps1 -Task Package (Test runs it too)." }
    }
    $script:Simulator = Start-TestSimulator

    # Runs a script in a fresh pwsh that has not imported anything, and returns the object its
    # 'RESULT:' line carries. A failing script fails the test with the child's output.
    function Invoke-CleanPwsh([string] $Script, [hashtable] $Environment = @{}) {
        $process = [System.Diagnostics.Process]::GetCurrentProcess().MainModule.FileName
        $prefix = @()
        if ([System.IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { $prefix = @((Join-Path $PSHOME 'pwsh.dll')) }
        $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes("`$ErrorActionPreference = 'Stop'`n" + $Script))
        $saved = @{}
        foreach ($name in $Environment.Keys) {
            $saved[$name] = [Environment]::GetEnvironmentVariable($name)
            [Environment]::SetEnvironmentVariable($name, $Environment[$name])
        }
        try {
            $output = & $process @prefix -NoProfile -NonInteractive -EncodedCommand $encoded 2>&1
            $exitCode = $LASTEXITCODE
        }
        finally {
            foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        }
        $line = $output | ForEach-Object { "$_" } | Where-Object { $_.StartsWith('RESULT:') } | Select-Object -Last 1
        if ($exitCode -ne 0 -or -not $line) { throw "The child pwsh failed (exit code $exitCode):`n$($output -join "`n")" }
        $line.Substring('RESULT:'.Length) | ConvertFrom-Json
    }

    # Imports MeetEngage by name from the given module path only, connects, exports a month of
    # data to CSV, and reports where the module and System.Text.Json came from.
    function Invoke-ModuleByName([string] $ModulePath, [string] $CsvPath) {
        $script = @"
Import-Module MeetEngage
`$module = Get-Module MeetEngage
`$credential = New-Object System.Management.Automation.PSCredential('demo-key', (ConvertTo-SecureString 'demo-secret' -AsPlainText -Force))
Connect-MeetEngage -Account demo -Credential `$credential -BaseUri '$($script:Simulator.BaseUri)'
Get-MeetEngageData -From 2024-01-01 -To 2024-02-01 | Export-Csv -Path '$CsvPath' -NoTypeInformation -Encoding utf8
Disconnect-MeetEngage
`$dependencies = Join-Path `$module.ModuleBase 'dependencies'
`$loaded = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { -not `$_.IsDynamic -and `$_.Location }
'RESULT:' + ([pscustomobject]@{
    ModuleBase       = `$module.ModuleBase
    Version          = "`$(`$module.Version)"
    Cmdlets          = @(`$module.ExportedCmdlets.Keys | Sort-Object)
    JsonAssembly     = [System.Text.Json.JsonSerializer].Assembly.Location
    JsonAssemblies   = @(`$loaded | Where-Object { `$_.GetName().Name -eq 'System.Text.Json' } | ForEach-Object { `$_.Location })
    FromDependencies = @(`$loaded | Where-Object { `$_.Location.StartsWith(`$dependencies, [StringComparison]::OrdinalIgnoreCase) } | ForEach-Object { `$_.Location })
    RuntimeFolder    = [System.IO.Path]::GetDirectoryName([object].Assembly.Location)
    PSHome           = `$PSHOME
} | ConvertTo-Json -Compress)
"@
        Invoke-CleanPwsh -Script $script -Environment @{ PSModulePath = $ModulePath }
    }

    # What the simulator sends for that month, read without the module: the oracle for the CSV.
    function Get-RawEventIds {
        $uri = "$($script:Simulator.BaseUri)/organisation_data?account=demo&data_method=standard&from_date=1704067200000&to_date=1706745600000"
        (Invoke-RestMethod -Uri $uri -Authentication Basic -Credential (New-TestCredential) -AllowUnencryptedAuthentication).output |
            ForEach-Object { "$($_.EventId)" }
    }

    function Test-UnderFolder([string] $Path, [string] $Folder) {
        $separator = [System.IO.Path]::DirectorySeparatorChar
        $full = [System.IO.Path]::GetFullPath($Path).TrimEnd($separator) + $separator
        $root = [System.IO.Path]::GetFullPath($Folder).TrimEnd($separator) + $separator
        $full.StartsWith($root, [StringComparison]::Ordinal)
    }

    # Every file a module folder may hold, relative, with '/'. en-US/ comes from the docs build.
    $script:Dependencies = @(
        'Microsoft.Bcl.AsyncInterfaces.dll', 'System.Buffers.dll', 'System.Memory.dll', 'System.Numerics.Vectors.dll',
        'System.Runtime.CompilerServices.Unsafe.dll', 'System.Text.Encodings.Web.dll', 'System.Text.Json.dll',
        'System.Threading.Tasks.Extensions.dll'
    ) | ForEach-Object { "dependencies/$_" }
    $script:RequiredFiles = @('MeetEngage.psd1', 'MeetEngage.dll', 'MeetEngage.Format.ps1xml', 'LICENSE') + $script:Dependencies
    $script:OptionalFiles = @('en-US/MeetEngage.dll-Help.xml', 'en-US/about_MeetEngage.help.txt')

    function Get-RelativeFile([string] $Folder) {
        $root = (Resolve-Path $Folder).ProviderPath.TrimEnd('/', '\')
        Get-ChildItem -LiteralPath $root -Recurse -File | ForEach-Object { $_.FullName.Substring($root.Length + 1).Replace('\', '/') }
    }
}

AfterAll {
    Stop-Simulator $script:Simulator
}

Describe 'The built manifest' {
    BeforeAll {
        $script:Manifest = Test-ModuleManifest -Path $script:ModuleManifest -ErrorAction Stop
        $script:ManifestData = Import-PowerShellDataFile $script:ModuleManifest
    }

    It 'passes Test-ModuleManifest with the version written in MeetEngage.psd1' {
        $script:Manifest.Name | Should -Be 'MeetEngage'
        "$($script:Manifest.Version)" | Should -Be $script:Version
    }

    It 'exports exactly the cmdlets the assembly defines, and no functions, aliases or variables' {
        $defined = Get-Command -Module MeetEngage -CommandType Cmdlet | ForEach-Object Name | Sort-Object
        $defined | Should -Not -BeNullOrEmpty
        @($script:Manifest.ExportedCmdlets.Keys | Sort-Object) | Should -Be $defined
        $script:Manifest.ExportedFunctions.Count | Should -Be 0
        $script:Manifest.ExportedAliases.Count | Should -Be 0
        $script:Manifest.ExportedVariables.Count | Should -Be 0
    }

    It 'lists every export explicitly, never with a wildcard' -TestCases @(
        @{ Key = 'CmdletsToExport' }, @{ Key = 'FunctionsToExport' }, @{ Key = 'AliasesToExport' }, @{ Key = 'VariablesToExport' }
    ) {
        $script:ManifestData.ContainsKey($Key) | Should -BeTrue
        @($script:ManifestData[$Key]) | Where-Object { $_ -match '[*?]' } | Should -BeNullOrEmpty
    }

    It 'declares <Key> = <Expected>' -TestCases @(
        @{ Key = 'PowerShellVersion'; Expected = '5.1' }
        @{ Key = 'CompatiblePSEditions'; Expected = 'Desktop,Core' }
        @{ Key = 'DotNetFrameworkVersion'; Expected = '4.7.2' }
        @{ Key = 'RootModule'; Expected = 'MeetEngage.dll' }
        @{ Key = 'FormatsToProcess'; Expected = 'MeetEngage.Format.ps1xml' }
    ) {
        @($script:ManifestData[$Key]) -join ',' | Should -Be $Expected
    }

    It 'prepares LicenseUri and ProjectUri for the gallery, commented out until the project has a public address' {
        $text = [System.IO.File]::ReadAllText((Join-Path $script:RepoRoot 'MeetEngage.psd1'))
        $text | Should -Match '(?m)^\s*#\s*LicenseUri\s*='
        $text | Should -Match '(?m)^\s*#\s*ProjectUri\s*='
        # Never an invented address: the gallery would show it.
        $script:Manifest.LicenseUri | Should -BeNullOrEmpty
        $script:Manifest.ProjectUri | Should -BeNullOrEmpty
    }

    It 'names no assembly for PowerShell to load by itself (the dependencies are resolved by the module)' {
        $script:ManifestData.ContainsKey('RequiredAssemblies') | Should -BeFalse
        $script:ManifestData.ContainsKey('NestedModules') | Should -BeFalse
    }

    It 'carries what the gallery shows: description, author, tags for both editions' {
        $script:Manifest.Description | Should -Not -BeNullOrEmpty
        $script:Manifest.Author | Should -Not -BeNullOrEmpty
        $script:Manifest.Tags | Should -Contain 'PSEdition_Desktop'
        $script:Manifest.Tags | Should -Contain 'PSEdition_Core'
        $script:Manifest.Tags | Where-Object { $_ -match '\s' } | Should -BeNullOrEmpty
    }

    It 'takes its release notes from CHANGELOG.md when it has a section for the version' {
        $changelog = Join-Path $script:RepoRoot 'CHANGELOG.md'
        $section = Get-ChangelogSection -Path $changelog -Version $script:Version
        if ($null -eq $section) {
            $script:Manifest.ReleaseNotes | Should -Be $script:SourceManifest.PrivateData.PSData.ReleaseNotes
        }
        else {
            $script:Manifest.ReleaseNotes.Replace("`r`n", "`n") | Should -Be $section
        }
    }
}

Describe 'Release notes from CHANGELOG.md' {
    BeforeAll {
        $script:ChangelogText = @(
            '# Changelog'
            ''
            '## [Unreleased]'
            '- Not yet.'
            ''
            '## [0.2.0] - 2025-03-01'
            '### Added'
            "- Chunked exports, with the user's progress bar."
            ''
            '## 0.1.0'
            '- First release, see [the docs][docs].'
            ''
            '[0.2.0]: https://example.invalid/compare/0.1.0...0.2.0'
            '[docs]: https://example.invalid/docs'
        ) -join "`n"
    }

    It 'reads the section of <Version>' -TestCases @(
        @{ Version = '0.2.0'; Expected = "### Added`n- Chunked exports, with the user's progress bar." }
        @{ Version = '0.1.0'; Expected = '- First release, see [the docs][docs].' }
        @{ Version = '0.3.0'; Expected = $null }
        @{ Version = '0.2'; Expected = $null }
    ) {
        $path = Join-Path $TestDrive 'CHANGELOG.md'
        Set-Content -Path $path -Value $script:ChangelogText -Encoding utf8

        Get-ChangelogSection -Path $path -Version $Version | Should -Be $Expected
    }

    It 'writes them into a copy of the manifest, which stays valid and keeps everything else' {
        $folder = Join-Path $TestDrive 'manifest'
        Copy-Item -Recurse $script:ModuleFolder $folder
        $copy = Join-Path $folder 'MeetEngage.psd1'
        $notes = "### Added`n- Quotes ' and ''doubled'' and ``backticks`` and `$(not code) stay text — as written."

        Set-ManifestReleaseNotes -ManifestPath $copy -ReleaseNotes $notes

        $manifest = Test-ModuleManifest -Path $copy -ErrorAction Stop
        $manifest.ReleaseNotes | Should -Be $notes
        "$($manifest.Version)" | Should -Be $script:Version
        @($manifest.ExportedCmdlets.Keys).Count | Should -Be @($script:Manifest.ExportedCmdlets.Keys).Count
        [System.IO.File]::ReadAllBytes($copy)[0..2] | Should -Be @(0xEF, 0xBB, 0xBF)
    }
}

Describe 'The module folder' {
    It 'ships the MIT licence of the repository' {
        $shipped = [System.IO.File]::ReadAllText((Join-Path $script:ModuleFolder 'LICENSE'))
        $shipped | Should -Be ([System.IO.File]::ReadAllText((Join-Path $script:RepoRoot 'LICENSE')))
        $shipped | Should -Match '^MIT License'
        $shipped | Should -Match 'Copyright \(c\) \d{4} MeetEngage contributors'
    }

    It 'holds only what the module needs: no pdb, no deps.json, no test assets' {
        $files = @(Get-RelativeFile $script:ModuleFolder)
        foreach ($required in $script:RequiredFiles) { $files | Should -Contain $required }
        $files | Where-Object { $_ -notin ($script:RequiredFiles + $script:OptionalFiles) } | Should -BeNullOrEmpty
    }

    It 'is well under 2 MB' {
        $bytes = (Get-ChildItem -LiteralPath $script:ModuleFolder -Recurse -File | Measure-Object -Property Length -Sum).Sum
        $bytes | Should -BeLessThan 2MB
    }

    It 'ships every assembly the module needs on the .NET Framework, and none it does not' {
        # Follows the assembly references from MeetEngage.dll: everything but netstandard (the
        # .NET Framework 4.7.2 facade) and System.Management.Automation (PowerShell) must be
        # in dependencies/, in at least the referenced version; every file there must be reached.
        $provided = @('netstandard', 'System.Management.Automation')
        $files = @{}
        foreach ($file in Get-ChildItem (Join-Path $script:ModuleFolder 'dependencies') -Filter *.dll) {
            $files[[System.IO.Path]::GetFileNameWithoutExtension($file.Name)] = $file.FullName
        }
        $reached = New-Object System.Collections.Generic.HashSet[string]
        $queue = New-Object System.Collections.Generic.Queue[string]
        $queue.Enqueue((Join-Path $script:ModuleFolder 'MeetEngage.dll'))
        $problems = @()
        while ($queue.Count -gt 0) {
            $path = $queue.Dequeue()
            $stream = [System.IO.File]::OpenRead($path)
            try {
                $reader = [System.Reflection.Metadata.PEReaderExtensions]::GetMetadataReader([System.Reflection.PortableExecutable.PEReader]::new($stream))
                foreach ($handle in $reader.AssemblyReferences) {
                    $reference = $reader.GetAssemblyReference($handle)
                    $name = $reader.GetString($reference.Name)
                    if ($name -in $provided) { continue }
                    if (-not $files.ContainsKey($name)) { $problems += "$name $($reference.Version) (from $([IO.Path]::GetFileName($path))) is not shipped"; continue }
                    $shipped = [System.Reflection.AssemblyName]::GetAssemblyName($files[$name]).Version
                    if ($shipped -lt $reference.Version) { $problems += "$name $shipped is older than the $($reference.Version) $([IO.Path]::GetFileName($path)) needs" }
                    if ($reached.Add($name)) { $queue.Enqueue($files[$name]) }
                }
            }
            finally { $stream.Dispose() }
        }

        $problems | Should -BeNullOrEmpty
        @($files.Keys | Where-Object { -not $reached.Contains($_) }) | Should -BeNullOrEmpty
        $reached.Contains('System.Text.Json') | Should -BeTrue
    }
}

Describe 'The .nupkg' {
    BeforeAll {
        # Install the way a user does from an offline repository, with PSResourceGet's settings
        # in a temporary folder (XDG_DATA_HOME) and the repository unregistered again.
        $script:Installed = Join-Path $TestDrive 'modules'
        $null = New-Item -ItemType Directory $script:Installed
        $repositoryName = 'MeetEngage-Tests-' + [guid]::NewGuid().ToString('n')
        $repositoryFolder = Split-Path $script:Nupkg -Parent
        # .NET ignores an XDG_DATA_HOME that does not exist (PSResourceGet would then write to
        # the working directory), so the folder is made first.
        $settings = New-Item -ItemType Directory (Join-Path $TestDrive 'psresourceget')
        $script:SaveResult = Invoke-CleanPwsh -Environment @{ XDG_DATA_HOME = $settings.FullName } -Script @"
Register-PSResourceRepository -Name '$repositoryName' -Uri '$repositoryFolder' -Trusted
try {
    `$found = Find-PSResource -Name MeetEngage -Repository '$repositoryName'
    Save-PSResource -Name MeetEngage -Version '$($script:Version)' -Repository '$repositoryName' -Path '$($script:Installed)' -TrustRepository
}
finally {
    Unregister-PSResourceRepository -Name '$repositoryName'
}
'RESULT:' + ([pscustomobject]@{ Version = "`$(`$found.Version)"; Type = "`$(`$found.Type)"; Left = @(Get-PSResourceRepository | ForEach-Object Name) } | ConvertTo-Json -Compress)
"@
        Reset-Simulator $script:Simulator
        $script:Csv = Join-Path $TestDrive 'nupkg.csv'
        $script:Result = Invoke-ModuleByName -ModulePath $script:Installed -CsvPath $script:Csv
    }

    It 'is found in the repository as a module of the right version, and the repository is gone afterwards' {
        $script:SaveResult.Version | Should -Be $script:Version
        $script:SaveResult.Type | Should -Be 'Module'
        @($script:SaveResult.Left | Where-Object { $_ -like 'MeetEngage-Tests-*' }) | Should -BeNullOrEmpty
    }

    It 'installs into a MeetEngage/version folder with only the module files' {
        $folder = Join-Path $script:Installed "MeetEngage/$($script:Version)"
        Test-Path (Join-Path $folder 'MeetEngage.psd1') | Should -BeTrue
        $files = @(Get-RelativeFile $folder)
        foreach ($required in $script:RequiredFiles) { $files | Should -Contain $required }
        $files | Where-Object { $_ -notin ($script:RequiredFiles + $script:OptionalFiles) } | Should -BeNullOrEmpty
    }

    It 'imports by name from the install path in a fresh pwsh' {
        Test-UnderFolder $script:Result.ModuleBase $script:Installed | Should -BeTrue
        $script:Result.Version | Should -Be $script:Version
        $script:Result.Cmdlets | Should -Be @($script:SourceManifest.CmdletsToExport | Sort-Object)
    }

    It 'connects and exports the data the simulator sends' {
        $rows = @(Import-Csv $script:Csv)
        $expected = @(Get-RawEventIds)
        $expected.Count | Should -BeGreaterThan 0
        $rows.Count | Should -Be $expected.Count
        @($rows | ForEach-Object EventId) | Should -Be $expected
    }

    It 'uses the runtime''s own System.Text.Json on PowerShell 7, and nothing from dependencies/' {
        $json = $script:Result.JsonAssembly
        ((Test-UnderFolder $json $script:Result.RuntimeFolder) -or (Test-UnderFolder $json $script:Result.PSHome)) | Should -BeTrue
        @($script:Result.JsonAssemblies) | Should -Be @($json)
        @($script:Result.FromDependencies) | Should -BeNullOrEmpty
    }
}

Describe 'The Azure Automation zip' {
    BeforeAll {
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $archive = [System.IO.Compression.ZipFile]::OpenRead($script:Zip)
        try { $script:Entries = @($archive.Entries | ForEach-Object FullName) }
        finally { $archive.Dispose() }

        $script:Extracted = Join-Path $TestDrive 'zip'
        Expand-Archive -Path $script:Zip -DestinationPath $script:Extracted
        Reset-Simulator $script:Simulator
        $script:Csv = Join-Path $TestDrive 'zip.csv'
        $script:Result = Invoke-ModuleByName -ModulePath $script:Extracted -CsvPath $script:Csv
    }

    It 'holds MeetEngage/MeetEngage.psd1 at its root, and everything under MeetEngage/' {
        $script:Entries | Should -Contain 'MeetEngage/MeetEngage.psd1'
        $script:Entries | Where-Object { -not $_.StartsWith('MeetEngage/') } | Should -BeNullOrEmpty
        $script:Entries | Where-Object { $_.Contains('\') } | Should -BeNullOrEmpty
    }

    It 'holds the module files directly under MeetEngage/, with no version folder' {
        $files = @($script:Entries | ForEach-Object { $_.Substring('MeetEngage/'.Length) } | Where-Object { $_ })
        foreach ($required in $script:RequiredFiles) { $files | Should -Contain $required }
        $files | Where-Object { $_ -notin ($script:RequiredFiles + $script:OptionalFiles) } | Should -BeNullOrEmpty
    }

    It 'is written also as MeetEngage.zip, the name Azure Automation wants, with the same content' {
        (Get-FileHash $script:AutomationZip).Hash | Should -Be (Get-FileHash $script:Zip).Hash
    }

    It 'imports by name from an extracted copy and exports the data the simulator sends' {
        Test-UnderFolder $script:Result.ModuleBase (Join-Path $script:Extracted 'MeetEngage') | Should -BeTrue
        $script:Result.Version | Should -Be $script:Version
        $rows = @(Import-Csv $script:Csv)
        @($rows | ForEach-Object EventId) | Should -Be @(Get-RawEventIds)
        @($script:Result.FromDependencies) | Should -BeNullOrEmpty
    }
}
