# The Package task: the gallery's .nupkg (made by PSResourceGet's Publish-PSResource, as gallery
# modules are) and the zip Azure Automation imports. Dot-sourced by build.ps1 after common.ps1;
# plain PowerShell that parses in 5.1. Expects $Root and $Output from build.ps1.

# The body of CHANGELOG.md's section for a version ('## [0.1.0] - date', '## 0.1.0' or
# '## v0.1.0'), up to the next heading of the same or a higher level, without the link reference
# definitions ('[0.1.0]: https://...') Keep a Changelog puts at the end; $null when there is none.
function Get-ChangelogSection([string] $Path, [string] $Version) {
    if (-not (Test-Path -LiteralPath $Path)) { return $null }
    $heading = '^##\s+\[?v?' + [regex]::Escape($Version) + '\]?(\s|$)'
    $section = $null
    foreach ($line in [System.IO.File]::ReadAllLines($Path, [System.Text.Encoding]::UTF8)) {
        if ($null -eq $section) {
            if ($line -match $heading) { $section = New-Object System.Collections.Generic.List[string] }
            continue
        }
        if ($line -match '^#{1,2}\s') { break }
        if ($line -match '^\s{0,3}\[[^\]]+\]:\s*\S') { continue }
        $section.Add($line)
    }
    if ($null -eq $section) { return $null }
    $text = ($section -join "`n").Trim()
    if ($text) { return $text }
    $null
}

# Replaces the ReleaseNotes value of a manifest, found through the syntax tree so that nothing
# else in the file moves. Written as UTF-8 with a BOM: Windows PowerShell reads a file without
# one as ANSI, and release notes may hold any character.
function Set-ManifestReleaseNotes([string] $ManifestPath, [string] $ReleaseNotes) {
    $tokens = $null
    $errors = $null
    $ast = [System.Management.Automation.Language.Parser]::ParseFile($ManifestPath, [ref] $tokens, [ref] $errors)
    if ($errors) { throw "$ManifestPath does not parse: $($errors[0].Message)" }
    $pairs = $ast.FindAll({ param($node) $node -is [System.Management.Automation.Language.HashtableAst] }, $true) |
        ForEach-Object { $_.KeyValuePairs } |
        Where-Object { $_.Item1 -is [System.Management.Automation.Language.StringConstantExpressionAst] -and $_.Item1.Value -eq 'ReleaseNotes' }
    $pair = @($pairs)
    if ($pair.Count -ne 1) { throw "$ManifestPath has $($pair.Count) ReleaseNotes entries; expected one." }
    $value = $pair[0].Item2.Extent
    $text = $ast.Extent.Text
    $literal = "'" + $ReleaseNotes.Replace("'", "''") + "'"
    $updated = $text.Substring(0, $value.StartOffset) + $literal + $text.Substring($value.EndOffset)
    [System.IO.File]::WriteAllText($ManifestPath, $updated, (New-Object System.Text.UTF8Encoding($true)))
}

# Fills the built manifest's ReleaseNotes from CHANGELOG.md; leaves the hand-written pointer
# to the changelog when the file or the version's section is missing.
function Update-BuiltReleaseNotes([string] $ManifestPath, [string] $ChangelogPath, [string] $Version) {
    if (-not (Test-Path -LiteralPath $ChangelogPath)) {
        Write-Host "No CHANGELOG.md: ReleaseNotes stay as written in the manifest."
        return
    }
    $notes = Get-ChangelogSection -Path $ChangelogPath -Version $Version
    if ($null -eq $notes) {
        Write-Warning "CHANGELOG.md has no section for $Version; ReleaseNotes stay as written in the manifest."
        return
    }
    Set-ManifestReleaseNotes -ManifestPath $ManifestPath -ReleaseNotes $notes
    Write-Host "ReleaseNotes: CHANGELOG.md's section for $Version"
}

# Publish-PSResource to a local file repository, registered under a unique name and removed
# afterwards. It runs in a child PowerShell whose PSResourceGet settings live under output/
# (XDG_DATA_HOME, honoured on Linux and macOS), so the user's own repository list is not even
# read; on Windows the unregistering in 'finally' is what leaves it as it was. $StateFolder must
# exist: .NET ignores an XDG_DATA_HOME that does not, and PSResourceGet would then write to the
# working directory.
function Publish-ModuleNupkg([string] $ModuleFolder, [string] $RepositoryFolder, [string] $StateFolder) {
    $name = 'MeetEngage-Package-' + [guid]::NewGuid().ToString('n')
    $quote = { param([string] $text) "'" + $text.Replace("'", "''") + "'" }
    $script = @(
        '$ErrorActionPreference = ''Stop'''
        'Import-Module Microsoft.PowerShell.PSResourceGet -MinimumVersion 1.0.0'
        "Register-PSResourceRepository -Name $(& $quote $name) -Uri $(& $quote $RepositoryFolder) -Trusted"
        "try { Publish-PSResource -Path $(& $quote $ModuleFolder) -Repository $(& $quote $name) }"
        "finally { Unregister-PSResourceRepository -Name $(& $quote $name) }"
    ) -join "`n"
    $encoded = [Convert]::ToBase64String([System.Text.Encoding]::Unicode.GetBytes($script))

    $saved = [Environment]::GetEnvironmentVariable('XDG_DATA_HOME')
    [Environment]::SetEnvironmentVariable('XDG_DATA_HOME', $StateFolder)
    try {
        Write-Host "Publish-PSResource -Path $ModuleFolder -Repository <temporary: $RepositoryFolder>" -ForegroundColor DarkGray
        Invoke-Pwsh -EncodedCommand $encoded | Out-Host
        if ($LASTEXITCODE -ne 0) { throw "Publish-PSResource failed with exit code $LASTEXITCODE." }
    }
    finally {
        [Environment]::SetEnvironmentVariable('XDG_DATA_HOME', $saved)
    }
}

# Azure Automation's module import format: one folder named as the module at the zip's root,
# holding the manifest directly (no version folder). Entries are written one by one with '/'
# separators, which every reader accepts whatever system made the zip.
function New-ModuleZip([string] $ModuleFolder, [string] $Destination) {
    Add-Type -AssemblyName System.IO.Compression, System.IO.Compression.FileSystem
    if (Test-Path -LiteralPath $Destination) { Remove-Item -LiteralPath $Destination -Force }
    $folder = (Resolve-Path -LiteralPath $ModuleFolder).ProviderPath.TrimEnd('\', '/')
    $files = Get-ChildItem -LiteralPath $folder -Recurse -File |
        ForEach-Object { [pscustomobject]@{ Path = $_.FullName; Entry = 'MeetEngage/' + $_.FullName.Substring($folder.Length + 1).Replace('\', '/') } } |
        Sort-Object Entry
    $stream = [System.IO.File]::Open($Destination, [System.IO.FileMode]::CreateNew)
    try {
        $zip = New-Object System.IO.Compression.ZipArchive($stream, [System.IO.Compression.ZipArchiveMode]::Create)
        try {
            foreach ($file in $files) {
                $null = [System.IO.Compression.ZipFileExtensions]::CreateEntryFromFile($zip, $file.Path, $file.Entry, [System.IO.Compression.CompressionLevel]::Optimal)
            }
        }
        finally { $zip.Dispose() }
    }
    finally { $stream.Dispose() }
}

function Format-Size([long] $Bytes) {
    '{0:N0} KB' -f [math]::Ceiling($Bytes / 1KB)
}

# Packages the built module (output/MeetEngage/<version>/) into
# output/repository/MeetEngage.<version>.nupkg and output/MeetEngage-<version>.zip (also
# written as output/MeetEngage.zip for Azure Automation).
function Invoke-Package([string] $ModuleManifest) {
    $version = Get-ModuleVersion
    $moduleFolder = Split-Path $ModuleManifest -Parent
    Write-Step "Packaging MeetEngage $version"

    Update-BuiltReleaseNotes -ManifestPath $ModuleManifest -ChangelogPath (Join-Path $Root 'CHANGELOG.md') -Version $version
    $manifest = Test-ModuleManifest -Path $ModuleManifest -ErrorAction Stop
    if ("$($manifest.Version)" -ne $version) { throw "The built manifest says $($manifest.Version), MeetEngage.psd1 says $version." }

    $repository = Join-Path $Output 'repository'
    if (Test-Path $repository) { Remove-Item -Recurse -Force $repository }
    $null = New-Item -ItemType Directory -Force $repository
    $state = Join-Path $Output 'package-state'
    if (Test-Path $state) { Remove-Item -Recurse -Force $state }
    $null = New-Item -ItemType Directory -Force $state
    try {
        Publish-ModuleNupkg -ModuleFolder $moduleFolder -RepositoryFolder $repository -StateFolder $state
    }
    finally {
        Remove-Item -Recurse -Force $state -ErrorAction SilentlyContinue
    }
    $nupkg = Join-Path $repository "MeetEngage.$version.nupkg"
    if (-not (Test-Path $nupkg)) { throw "Publish-PSResource made no $nupkg." }

    $zip = Join-Path $Output "MeetEngage-$version.zip"
    New-ModuleZip -ModuleFolder $moduleFolder -Destination $zip
    # Azure Automation names the module after the zip's file name, so it wants MeetEngage.zip.
    $automationZip = Join-Path $Output 'MeetEngage.zip'
    Copy-Item -LiteralPath $zip -Destination $automationZip -Force

    $files = @(Get-ChildItem -LiteralPath $moduleFolder -Recurse -File)
    $folderBytes = ($files | Measure-Object -Property Length -Sum).Sum
    Write-Host ("Module folder: {0} files, {1}" -f $files.Count, (Format-Size $folderBytes))
    Write-Host ("Package:       {0} ({1})" -f $nupkg, (Format-Size (Get-Item $nupkg).Length))
    Write-Host ("Zip:           {0} ({1}), also as {2}" -f $zip, (Format-Size (Get-Item $zip).Length), $automationZip)
    [pscustomobject]@{ Nupkg = $nupkg; Zip = $zip; AutomationZip = $automationZip; ModuleFolder = $moduleFolder }
}
