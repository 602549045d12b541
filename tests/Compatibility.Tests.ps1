# Windows PowerShell 5.1 by construction: no PowerShell-7-only syntax in anything that ships or
# that builds the module. 5.1 is not available here, so the syntax trees are walked with
# PowerShell 7's parser, which knows every construct 5.1 lacks. The detector is itself tested on
# a sample of each construct, so a pass on the repository's files means something.
BeforeDiscovery {
    $repoRoot = Split-Path $PSScriptRoot -Parent
    $version = (Import-PowerShellDataFile (Join-Path $repoRoot 'MeetEngage.psd1')).ModuleVersion
    $moduleFolder = Join-Path $repoRoot "output/MeetEngage/$version"
    if ($env:MEETENGAGE_TEST_MODULE) { $moduleFolder = Split-Path $env:MEETENGAGE_TEST_MODULE -Parent }

    $files = @(
        Get-Item (Join-Path $repoRoot 'MeetEngage.psd1'), (Join-Path $repoRoot 'build.ps1')
        Get-ChildItem (Join-Path $repoRoot '.build') -Recurse -File -Include *.ps1, *.psm1, *.psd1
        # Dot-sourced by the Demo and Bench tasks of build.ps1.
        Get-Item (Join-Path $repoRoot 'tests/SimulatorProcess.ps1')
        if (Test-Path $moduleFolder) { Get-ChildItem $moduleFolder -Recurse -File -Include *.ps1, *.psm1, *.psd1 }
    )
    $script:FileCases = @($files | ForEach-Object {
            $name = $_.FullName
            if ($name.StartsWith($repoRoot)) { $name = $name.Substring($repoRoot.Length + 1).Replace('\', '/') }
            @{ Path = $_.FullName; Name = $name }
        })
}

BeforeAll {
    $script:RepoRoot = Split-Path $PSScriptRoot -Parent

    # The PowerShell-7-only constructs in a piece of script, as 'what (line n)' strings.
    function Find-Pwsh7Syntax {
        param([Parameter(Mandatory, ParameterSetName = 'Path')] [string] $Path, [Parameter(Mandatory, ParameterSetName = 'Text')] [string] $Text)
        $tokens = $null
        $errors = $null
        if ($Path) { $ast = [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref] $tokens, [ref] $errors) }
        else { $ast = [System.Management.Automation.Language.Parser]::ParseInput($Text, [ref] $tokens, [ref] $errors) }
        foreach ($problem in $errors) { "parse error: $($problem.Message) (line $($problem.Extent.StartLineNumber))" }

        $parallelCommands = 'ForEach-Object', 'foreach', '%'
        $findings = foreach ($node in $ast.FindAll({ $true }, $true)) {
            $line = $node.Extent.StartLineNumber
            switch ($node) {
                { $_.GetType().Name -eq 'TernaryExpressionAst' } { "ternary operator ?: (line $line)" }
                { $_.GetType().Name -eq 'PipelineChainAst' } { "pipeline chain && or || (line $line)" }
                { $_ -is [System.Management.Automation.Language.BinaryExpressionAst] -and $_.Operator -eq 'QuestionQuestion' } { "null-coalescing ?? (line $line)" }
                { $_ -is [System.Management.Automation.Language.AssignmentStatementAst] -and $_.Operator -eq 'QuestionQuestionEquals' } { "null-coalescing assignment ??= (line $line)" }
                { $_ -is [System.Management.Automation.Language.MemberExpressionAst] -and $_.NullConditional } { "null-conditional member access ?. (line $line)" }
                { $_ -is [System.Management.Automation.Language.IndexExpressionAst] -and $_.NullConditional } { "null-conditional index ?[] (line $line)" }
                { $_ -is [System.Management.Automation.Language.PipelineAst] -and $_.Background } { "background operator & (line $line)" }
                { $_ -is [System.Management.Automation.Language.ScriptBlockAst] -and $_.CleanBlock } { "clean block (line $line)" }
                { $_ -is [System.Management.Automation.Language.CommandAst] -and $_.GetCommandName() -in $parallelCommands } {
                    # Any unambiguous abbreviation of -Parallel counts (-Pa, -Para, ...).
                    foreach ($parameter in $_.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] }) {
                        if ($parameter.ParameterName.Length -ge 2 -and 'Parallel'.StartsWith($parameter.ParameterName, [StringComparison]::OrdinalIgnoreCase)) {
                            "ForEach-Object -Parallel (line $line)"
                        }
                    }
                }
            }
        }
        # "`u{...}" is an escape in PowerShell 7 only; 5.1 would print the text as written.
        foreach ($token in $tokens) {
            if ($token.Kind -in 'StringExpandable', 'HereStringExpandable' -and $token.Text -match '(?<!`)`u\{') {
                "unicode escape ``u{} (line $($token.Extent.StartLineNumber))"
            }
        }
        $findings
    }
}

Describe 'The PowerShell 7 syntax detector' {
    It 'rejects <Construct>' -TestCases @(
        @{ Construct = 'a ternary'; Snippet = '$a = $true ? 1 : 2'; Expected = 'ternary*' }
        @{ Construct = '??'; Snippet = '$a = $null ?? ''default'''; Expected = 'null-coalescing ??*' }
        @{ Construct = '??='; Snippet = '$a ??= 5'; Expected = 'null-coalescing assignment*' }
        @{ Construct = '?. on a property'; Snippet = '${a}?.Length'; Expected = 'null-conditional member*' }
        @{ Construct = '?. on a method'; Snippet = '${a}?.ToString()'; Expected = 'null-conditional member*' }
        @{ Construct = '?[]'; Snippet = '${a}?[0]'; Expected = 'null-conditional index*' }
        @{ Construct = '&&'; Snippet = 'Get-Item . && Write-Host ok'; Expected = 'pipeline chain*' }
        @{ Construct = '||'; Snippet = 'Get-Item . || Write-Host failed'; Expected = 'pipeline chain*' }
        @{ Construct = 'ForEach-Object -Parallel'; Snippet = '1..3 | ForEach-Object -Parallel { $_ }'; Expected = 'ForEach-Object -Parallel*' }
        @{ Construct = 'foreach -Parallel (alias)'; Snippet = '1..3 | foreach -Parallel { $_ } -ThrottleLimit 2'; Expected = 'ForEach-Object -Parallel*' }
        @{ Construct = '% -pa (alias, abbreviated)'; Snippet = '1..3 | % -pa { $_ }'; Expected = 'ForEach-Object -Parallel*' }
        @{ Construct = 'a clean block in a function'; Snippet = "function f {`n  process { `$_ }`n  clean { 'done' }`n}"; Expected = 'clean block*' }
        @{ Construct = 'a clean block in a script block'; Snippet = '{ end { 1 } clean { 2 } }'; Expected = 'clean block*' }
        @{ Construct = 'the background operator'; Snippet = 'Start-Sleep 1 &'; Expected = 'background operator*' }
        @{ Construct = 'a `u{} escape'; Snippet = '"check `u{2713}"'; Expected = 'unicode escape*' }
        @{ Construct = 'one of many lines'; Snippet = "`$ok = 1`n`$b = `$ok`n`$c = `$b ?? 2"; Expected = '*(line 3)' }
    ) {
        $findings = @(Find-Pwsh7Syntax -Text $Snippet)

        $findings | Should -HaveCount 1
        $findings[0] | Should -BeLike $Expected
    }

    It 'accepts the 5.1 form of <Construct>' -TestCases @(
        @{ Construct = 'a conditional'; Snippet = '$a = if ($true) { 1 } else { 2 }' }
        @{ Construct = 'a default'; Snippet = '$a = $null; if ($null -eq $a) { $a = ''default'' }' }
        @{ Construct = 'member and index access'; Snippet = '$a = @(1); $a.Length; $a[0]; $a.ToString(); ${a}.Count' }
        @{ Construct = '-and, -or and $?'; Snippet = 'Get-Item .; if ($?) { Write-Host ok }; $x = $true -and $false -or $true' }
        @{ Construct = 'ForEach-Object with its other parameters'; Snippet = '1..3 | ForEach-Object -Begin { } -Process { $_ } -End { } -PipelineVariable p; 1..3 | % { $_ }' }
        @{ Construct = 'a foreach statement'; Snippet = 'foreach ($i in 1..3) { $i }' }
        @{ Construct = 'a variable and a command named clean'; Snippet = '$clean = 1; function clean { $clean }; clean' }
        @{ Construct = 'call and dot-source operators'; Snippet = '& { 1 }; . { 2 }; & (Get-Command Get-Date)' }
        @{ Construct = 'a literal backtick-u'; Snippet = '''`u{2713}''; "``u{2713}"' }
        @{ Construct = 'a question mark in strings and wildcards'; Snippet = '"a ?? b ?. c"; Get-ChildItem -Filter ''?.txt''; $x -like ''a?'''}
    ) {
        Find-Pwsh7Syntax -Text $Snippet | Should -BeNullOrEmpty
    }
}

Describe 'Files that ship or build the module' {
    It 'found the manifest, build.ps1 and .build/ to check (<Count> files)' -TestCases @(@{ Count = $script:FileCases.Count }) {
        $Count | Should -BeGreaterThan 3
    }

    It '<Name> uses only Windows PowerShell 5.1 syntax' -TestCases $script:FileCases {
        Find-Pwsh7Syntax -Path $Path | Should -BeNullOrEmpty
    }
}

Describe 'The module assembly on Windows PowerShell 5.1' {
    BeforeAll {
        # Windows PowerShell lists the assembly's public types (GetExportedTypes) before it calls
        # OnImport, which hooks the resolver for dependencies/. Loading a public type must not
        # need System.Text.Json or its dependencies then (say, a JsonElement field or base type).
        # A load context that refuses them stands in for the .NET Framework at that moment.
        if (-not ('MeetEngageTests.DependencyBlockingLoadContext' -as [type])) {
            Add-Type -TypeDefinition @'
using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace MeetEngageTests
{
    public sealed class DependencyBlockingLoadContext : AssemblyLoadContext
    {
        private readonly HashSet<string> _blocked;

        public DependencyBlockingLoadContext(IEnumerable<string> blocked) : base("DependencyBlocking", isCollectible: true)
        {
            _blocked = new HashSet<string>(blocked, StringComparer.OrdinalIgnoreCase);
        }

        public List<string> Refused { get; } = new List<string>();

        protected override Assembly Load(AssemblyName name)
        {
            if (_blocked.Contains(name.Name))
            {
                Refused.Add(name.Name);
                throw new FileNotFoundException("Not resolvable before OnImport: " + name.FullName);
            }
            return null;
        }
    }
}
'@
        }
        $moduleFolder = Join-Path $script:RepoRoot ('output/MeetEngage/' + (Import-PowerShellDataFile (Join-Path $script:RepoRoot 'MeetEngage.psd1')).ModuleVersion)
        if ($env:MEETENGAGE_TEST_MODULE) { $moduleFolder = Split-Path $env:MEETENGAGE_TEST_MODULE -Parent }
        $script:AssemblyPath = (Resolve-Path (Join-Path $moduleFolder 'MeetEngage.dll')).ProviderPath
        $script:Blocked = @(Get-ChildItem (Join-Path $moduleFolder 'dependencies') -Filter *.dll | ForEach-Object BaseName)
    }

    It 'lists its public types, their attributes and properties without anything from dependencies/' {
        $script:Blocked | Should -Contain 'System.Text.Json'
        $context = [MeetEngageTests.DependencyBlockingLoadContext]::new([string[]] $script:Blocked)
        try {
            $assembly = $context.LoadFromAssemblyPath($script:AssemblyPath)
            $types = $assembly.GetExportedTypes()
            foreach ($type in $types) {
                $null = $type.GetCustomAttributes($true)
                foreach ($property in $type.GetProperties()) { $null = $property.PropertyType; $null = $property.GetCustomAttributes($true) }
            }

            $types.FullName | Should -Contain 'MeetEngage.ModuleInitializer'
            $context.Refused | Should -BeNullOrEmpty
        }
        finally {
            $context.Unload()
        }
    }
}
