# The help a user gets, and the docs it comes from, checked against the built module:
#  - Get-Help (en-US) shows every page's synopsis, description, parameters and examples;
#  - drift: each page in docs/en-US states exactly the parameters, types, parameter sets,
#    positions, pipeline input and outputs that Get-Command reports, in both directions;
#  - every example of every page runs against the simulator.
# The pages are read here with a reader of their own, not with .build/Docs.ps1, so that a
# mistake of the compiler cannot hide a mistake of the docs.

BeforeDiscovery {
    $docsFolder = Join-Path (Split-Path $PSScriptRoot -Parent) 'docs/en-US'

    # Sections ('## NAME') of a markdown page, fenced code kept whole.
    function Read-Section([string[]] $Lines) {
        $sections = [ordered]@{}
        $current = $null
        $inFence = $false
        foreach ($line in $Lines) {
            if ($line -match '^\s*```') { $inFence = -not $inFence }
            if (-not $inFence -and $line -match '^## (.+)$') {
                $current = New-Object System.Collections.Generic.List[string]
                $sections[$Matches[1].Trim()] = $current
            }
            elseif ($null -ne $current) { $current.Add($line) }
        }
        $sections
    }

    # '### Title' entries of a section: the title and the lines below it.
    function Read-Entry($Lines) {
        $entries = New-Object System.Collections.Generic.List[object]
        $inFence = $false
        foreach ($line in $Lines) {
            if ($line -match '^\s*```') { $inFence = -not $inFence }
            if (-not $inFence -and $line -match '^### (.+)$') {
                $entries.Add(@{ Title = $Matches[1].Trim(); Lines = New-Object System.Collections.Generic.List[string] })
            }
            elseif ($entries.Count -gt 0) { $entries[$entries.Count - 1].Lines.Add($line) }
        }
        $entries
    }

    # Fenced code blocks of some lines, with their language.
    function Read-CodeBlock($Lines) {
        $blocks = New-Object System.Collections.Generic.List[object]
        $current = $null
        foreach ($line in $Lines) {
            if ($null -eq $current -and $line -match '^\s*```\s*(\S*)') { $current = @{ Language = $Matches[1]; Lines = New-Object System.Collections.Generic.List[string] } }
            elseif ($null -ne $current -and $line -match '^\s*```\s*$') { $blocks.Add(@{ Language = $current.Language; Text = ($current.Lines -join "`n") }); $current = $null }
            elseif ($null -ne $current) { $current.Lines.Add($line) }
        }
        $blocks
    }

    # The paragraphs of some lines outside code blocks, soft line breaks joined.
    function Read-Paragraph($Lines) {
        $paragraphs = New-Object System.Collections.Generic.List[string]
        $text = ''
        $inFence = $false
        foreach ($line in @($Lines) + '') {
            if ($line -match '^\s*```') { $inFence = -not $inFence; continue }
            if ($inFence) { continue }
            if ($line.Trim()) { $text = ($text + ' ' + $line.Trim()).Trim() }
            elseif ($text) { $paragraphs.Add($text); $text = '' }
        }
        $paragraphs
    }

    function Read-CommandPage([string] $Path) {
        $lines = @(Get-Content -LiteralPath $Path -Encoding utf8)
        $frontMatter = @{}
        $end = [array]::IndexOf($lines, '---', 1)
        foreach ($line in $lines[1..($end - 1)]) {
            if ($line -match '^([^:]+):\s*(.*)$') { $frontMatter[$Matches[1].Trim()] = $Matches[2].Trim() }
        }
        $name = ($lines | Where-Object { $_ -match '^# ' } | Select-Object -First 1).Substring(2).Trim()
        $sections = Read-Section $lines

        $parameters = foreach ($entry in (Read-Entry $sections['PARAMETERS'])) {
            if ($entry.Title -eq 'CommonParameters') { continue }
            $metadata = foreach ($block in (Read-CodeBlock $entry.Lines) | Where-Object { $_.Language -eq 'yaml' }) {
                $values = @{}
                foreach ($line in ($block.Text -split "`n")) {
                    if ($line -match '^([A-Za-z ]+):\s*(.*)$') { $values[$Matches[1].Trim()] = $Matches[2].Trim() }
                }
                $values
            }
            @{ Name = $entry.Title.TrimStart('-'); Description = @(Read-Paragraph $entry.Lines); Metadata = @($metadata) }
        }
        $syntax = @(Read-Entry $sections['SYNTAX'])
        if ($syntax.Count -eq 0) {
            # One parameter set: platyPS writes its block without a heading.
            $syntax = @(@{ Title = ''; Lines = $sections['SYNTAX'] })
        }
        @{
            Path        = $Path
            Name        = $name
            FrontMatter = $frontMatter
            Synopsis    = @(Read-Paragraph $sections['SYNOPSIS']) -join ' '
            Description = @(Read-Paragraph $sections['DESCRIPTION'])
            Syntax      = @($syntax | ForEach-Object { @{ Heading = $_.Title; Text = @(Read-CodeBlock $_.Lines)[0].Text } })
            Parameters  = @($parameters)
            Examples    = @(Read-Entry $sections['EXAMPLES'] | ForEach-Object { @{ Title = $_.Title; Code = @(Read-CodeBlock $_.Lines | Where-Object { $_.Language -eq 'powershell' }) } })
            Inputs      = @(Read-Entry $sections['INPUTS'] | ForEach-Object { $_.Title })
            Outputs     = @(Read-Entry $sections['OUTPUTS'] | ForEach-Object { $_.Title })
        }
    }

    $manifest = Import-PowerShellDataFile (Join-Path (Split-Path $PSScriptRoot -Parent) 'MeetEngage.psd1')
    $exported = @($manifest.CmdletsToExport)
    $pages = @(Get-ChildItem $docsFolder -Filter *.md | Where-Object { $_.BaseName -in $exported } | ForEach-Object { Read-CommandPage $_.FullName })
    $aboutPage = @(Get-Content -LiteralPath (Join-Path $docsFolder 'about_MeetEngage.md') -Encoding utf8)

    # The examples of every cmdlet page, and the code blocks of the about topic's EXAMPLES.
    $aboutExamples = New-Object System.Collections.Generic.List[string]
    $inExamples = $false
    $inFence = $false
    foreach ($line in $aboutPage) {
        if ($line -match '^\s*```') { $inFence = -not $inFence }
        if (-not $inFence -and $line -match '^# ') { $inExamples = $line -eq '# EXAMPLES' }
        elseif ($inExamples) { $aboutExamples.Add($line) }
    }
    $examples = @(
        foreach ($page in $pages) {
            foreach ($example in $page.Examples) {
                @{ Command = $page.Name; Title = $example.Title; Blocks = $example.Code.Count; Code = ($example.Code | ForEach-Object { $_.Text }) -join "`n" }
            }
        }
        $index = 0
        foreach ($block in (Read-CodeBlock $aboutExamples | Where-Object { $_.Language -eq 'powershell' })) {
            $index++
            @{ Command = 'about_MeetEngage'; Title = "Example $index"; Blocks = 1; Code = $block.Text }
        }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    # The runner sets this already; set here too so that the file also runs on its own.
    $script:SavedUICulture = [System.Globalization.CultureInfo]::CurrentUICulture
    [System.Globalization.CultureInfo]::CurrentUICulture = [System.Globalization.CultureInfo]::GetCultureInfo('en-US')

    $script:CommonParameters = [System.Management.Automation.PSCmdlet]::CommonParameters
    $docsFolder = Join-Path $script:RepoRoot 'docs/en-US'
    $script:ModulePage = Get-Content -Raw -LiteralPath (Join-Path $docsFolder 'MeetEngage.md') -Encoding utf8
    $script:AboutPage = @(Get-Content -LiteralPath (Join-Path $docsFolder 'about_MeetEngage.md') -Encoding utf8)

    # Markdown text as Get-Help shows it: no bold stars, link texts only, one space between words.
    function ConvertTo-PlainText([string] $Text) {
        $Text = [regex]::Replace($Text, '\[([^\]]+)\]\(([^)]*)\)', '$1')
        ($Text.Replace('**', '') -replace '\s+', ' ').Trim()
    }

    function Get-HelpText($Node) {
        ConvertTo-PlainText ((@($Node) | ForEach-Object { $_.Text }) -join ' ')
    }

    # The name a platyPS page gives a parameter's type: the short name, a nullable value type
    # as its value type (-From <DateTime>, not <Nullable`1>).
    function Get-DocumentedTypeName([type] $Type) {
        $underlying = [Nullable]::GetUnderlyingType($Type)
        if ($underlying) { $Type = $underlying }
        $Type.Name
    }

    function Get-PipelineText([System.Management.Automation.CommandParameterInfo] $Parameter) {
        $ways = @()
        if ($Parameter.ValueFromPipelineByPropertyName) { $ways += 'ByPropertyName' }
        if ($Parameter.ValueFromPipeline) { $ways += 'ByValue' }
        if ($ways) { "True ($($ways -join ', '))" } else { 'False' }
    }

    function Get-PositionText([System.Management.Automation.CommandParameterInfo] $Parameter) {
        if ($Parameter.Position -lt 0) { 'Named' } else { [string] $Parameter.Position }
    }
}

AfterAll {
    [System.Globalization.CultureInfo]::CurrentUICulture = $script:SavedUICulture
}

Describe 'The docs cover the module' {
    It 'has a page for every exported cmdlet and none for a cmdlet that does not exist' {
        $pageNames = @(Get-ChildItem (Join-Path $script:RepoRoot 'docs/en-US') -Filter *.md |
                Where-Object { $_.BaseName -match '^[A-Za-z]+-\w+$' } | ForEach-Object BaseName)
        $cmdlets = @(Get-Command -Module MeetEngage -CommandType Cmdlet | ForEach-Object Name)
        $cmdlets.Count | Should -BeGreaterThan 0
        Compare-Object $cmdlets $pageNames | ForEach-Object { "$($_.InputObject) ($($_.SideIndicator))" } | Should -BeNullOrEmpty -Because '<= is a cmdlet without a page, => a page without a cmdlet'
    }

    It 'lists <Name> on the module page with the synopsis of its page' -ForEach $pages {
        $script:ModulePage | Should -Match ("### \[$([regex]::Escape($Name))\]\($([regex]::Escape($Name))\.md\)\r?\n$([regex]::Escape($Synopsis))\r?\n")
    }
}

Describe 'Get-Help <Name>' -ForEach $pages {
    BeforeAll {
        $script:Help = Get-Help -Name $Name -Full
        $script:HelpText = $script:Help | Out-String -Width 250
    }

    It 'finds the compiled help, not the partial help PowerShell makes up' {
        $script:HelpText | Should -Not -Match 'Get-Help cannot find the Help files'
        $script:Help.description | Should -Not -BeNullOrEmpty
    }

    It 'shows the synopsis of the page' {
        $script:Help.Synopsis.Trim() | Should -Be (ConvertTo-PlainText $Synopsis)
    }

    It 'shows every paragraph of the description' {
        $shown = Get-HelpText $script:Help.description
        foreach ($paragraph in $Description) { $shown | Should -BeLike "*$([WildcardPattern]::Escape((ConvertTo-PlainText $paragraph)))*" }
    }

    It 'shows the description of every parameter' {
        $helpParameters = @($script:Help.parameters.parameter)
        @($helpParameters.name) | Should -Be @($Parameters | ForEach-Object { $_.Name })
        foreach ($parameter in $Parameters) {
            $shown = Get-HelpText ($helpParameters | Where-Object name -EQ $parameter.Name).description
            $shown | Should -Not -BeNullOrEmpty -Because "-$($parameter.Name) must be described"
            foreach ($paragraph in $parameter.Description) { $shown | Should -BeLike "*$([WildcardPattern]::Escape((ConvertTo-PlainText $paragraph)))*" }
        }
    }

    It 'shows every example of the page, with its code' {
        $shown = @($script:Help.examples.example)
        $shown.Count | Should -Be $Examples.Count
        $Examples.Count | Should -BeGreaterOrEqual 2
        for ($i = 0; $i -lt $Examples.Count; $i++) {
            $shown[$i].title | Should -Match ([regex]::Escape($Examples[$i].Title))
            $shown[$i].code | Should -Be $Examples[$i].Code[0].Text
            Get-HelpText $shown[$i].remarks | Should -Not -BeNullOrEmpty -Because "example '$($Examples[$i].Title)' needs an explanation"
        }
    }

    It 'has an example that exports to CSV' {
        @($Examples | Where-Object { $_.Code[0].Text -match 'Export-Csv' }).Count | Should -BeGreaterThan 0
    }
}

Describe 'Get-Help about_MeetEngage' {
    It 'shows the topic, with its short description on the line Get-Help reads as the synopsis' {
        $topic = Get-Help -Name about_MeetEngage | Out-String
        $topic | Should -Not -Match 'Get-Help cannot find the Help files'
        $lines = $topic.Trim("`r", "`n") -split '\r?\n'
        $lines[0] | Should -Be 'TOPIC'
        $lines[1].Trim() | Should -Be 'about_MeetEngage'
        $lines[3] | Should -Be 'SHORT DESCRIPTION'
        $shortDescription = $script:AboutPage[([array]::IndexOf($script:AboutPage, '# SHORT DESCRIPTION') + 1)]
        $lines[4].Trim() | Should -Be $shortDescription
    }

    It 'shows every section of the page' {
        $topic = Get-Help -Name about_MeetEngage | Out-String
        $headings = New-Object System.Collections.Generic.List[string]
        $inFence = $false
        foreach ($line in $script:AboutPage) {
            if ($line -match '^\s*```') { $inFence = -not $inFence }
            elseif (-not $inFence -and $line -match '^# (.+)$') { $headings.Add($Matches[1].ToUpperInvariant()) }
            elseif (-not $inFence -and $line -match '^## (.+)$') { $headings.Add($Matches[1]) }
        }
        $headings.Count | Should -BeGreaterThan 10
        # The first two are the topic's name, shown as TOPIC and the name.
        foreach ($heading in ($headings | Select-Object -Skip 2)) {
            $topic | Should -Match ('(?m)^' + [regex]::Escape($heading) + '\s*$')
        }
    }
}

Describe 'The page of <Name> matches the cmdlet (drift)' -ForEach $pages {
    BeforeAll {
        $script:Command = Get-Command -Name $Name -Module MeetEngage
        $script:Own = @($script:Command.Parameters.Values | Where-Object { $_.Name -notin $script:CommonParameters })
    }

    It 'names the help file and module the cmdlet has' {
        $FrontMatter['external help file'] | Should -Be (Split-Path -Leaf $script:Command.HelpFile)
        $FrontMatter['Module Name'] | Should -Be $script:Command.ModuleName
        $FrontMatter['schema'] | Should -Be '2.0.0'
    }

    It 'documents exactly the parameters the cmdlet has' {
        $documented = @($Parameters | ForEach-Object { $_.Name })
        Compare-Object @($script:Own.Name) $documented | ForEach-Object { "-$($_.InputObject) ($($_.SideIndicator))" } |
            Should -BeNullOrEmpty -Because '<= is a parameter without docs, => docs of a parameter the cmdlet does not have'
    }

    It 'states the type, parameter sets, required, position, pipeline input, aliases and wildcards the cmdlet declares' {
        $sets = @($script:Command.ParameterSets)
        $differences = foreach ($parameter in $Parameters) {
            $actual = $script:Command.Parameters[$parameter.Name]
            if (-not $actual) { continue }
            $metadata = $parameter.Metadata
            if ($metadata.Count -eq 0) { "-$($parameter.Name): no yaml block"; continue }
            foreach ($block in $metadata) {
                $type = Get-DocumentedTypeName $actual.ParameterType
                if ($block['Type'] -ne $type) { "-$($parameter.Name): Type is '$($block['Type'])', the cmdlet's is '$type'" }
                $aliases = @($block['Aliases'] -split ',' | ForEach-Object { $_.Trim() } | Where-Object { $_ })
                if (($aliases -join ',') -ne (@($actual.Aliases) -join ',')) { "-$($parameter.Name): Aliases are '$($aliases -join ', ')', the cmdlet's are '$($actual.Aliases -join ', ')'" }
                $wildcards = [bool] ($actual.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
                if ($block['Accept wildcard characters'] -ne [string] $wildcards) { "-$($parameter.Name): Accept wildcard characters is '$($block['Accept wildcard characters'])', the cmdlet's is '$wildcards'" }
            }

            # Every set the cmdlet puts the parameter in, described by exactly one yaml block.
            $actualSets = @($sets | Where-Object { $_.Parameters.Name -contains $parameter.Name })
            $described = @{}
            foreach ($block in $metadata) {
                $names = @($block['Parameter Sets'] -split ',' | ForEach-Object { $_.Trim() })
                if ($names -contains '(All)') {
                    if (@($actualSets).Count -ne $sets.Count) { "-$($parameter.Name): Parameter Sets is (All), the cmdlet's are $(@($actualSets.Name) -join ', ')" }
                    $names = @($sets.Name)
                }
                foreach ($setName in $names) {
                    if ($described.ContainsKey($setName)) { "-$($parameter.Name): parameter set '$setName' is described twice" }
                    $described[$setName] = $block
                }
            }
            foreach ($set in $actualSets) {
                $block = $described[$set.Name]
                $described.Remove($set.Name)
                if (-not $block) { "-$($parameter.Name): parameter set '$($set.Name)' is not documented"; continue }
                $inSet = $set.Parameters | Where-Object Name -EQ $parameter.Name
                $checks = [ordered]@{
                    'Required'              = [string] $inSet.IsMandatory
                    'Position'              = Get-PositionText $inSet
                    'Accept pipeline input' = Get-PipelineText $inSet
                }
                foreach ($key in $checks.Keys) {
                    if ($block[$key] -ne $checks[$key]) { "-$($parameter.Name) in set '$($set.Name)': $key is '$($block[$key])', the cmdlet's is '$($checks[$key])'" }
                }
            }
            foreach ($extra in $described.Keys) { "-$($parameter.Name): documented in parameter set '$extra', which the cmdlet does not put it in" }
        }
        $differences -join [Environment]::NewLine | Should -BeNullOrEmpty
    }

    It 'shows one syntax block per parameter set, as Get-Command -Syntax writes it' {
        $sets = @($script:Command.ParameterSets)
        $normalize = { param($Text) ($Text -replace '\s+', ' ').Trim() }
        if ($sets.Count -eq 1) {
            @($Syntax).Count | Should -Be 1
            & $normalize $Syntax[0].Text | Should -Be (& $normalize "$Name $($sets[0])")
            return
        }
        $headings = @($Syntax | ForEach-Object { $_.Heading -replace '\s*\(Default\)$', '' })
        Compare-Object @($sets.Name) $headings | ForEach-Object { "$($_.InputObject) ($($_.SideIndicator))" } |
            Should -BeNullOrEmpty -Because '<= is a parameter set without a syntax block, => a block for a set the cmdlet does not have'
        @($Syntax | Where-Object { $_.Heading -like '* (Default)' } | ForEach-Object { $_.Heading -replace '\s*\(Default\)$', '' }) |
            Should -Be @($script:Command.DefaultParameterSet) -Because 'the default parameter set is the one marked (Default)'
        foreach ($set in $sets) {
            $block = $Syntax | Where-Object { ($_.Heading -replace '\s*\(Default\)$', '') -eq $set.Name }
            & $normalize $block.Text | Should -Be (& $normalize "$Name $set") -Because "the syntax of set '$($set.Name)' must be Get-Command's"
        }
    }

    It 'lists the output types the cmdlet declares, and the types it takes from the pipeline' {
        $declared = @($script:Command.OutputType | ForEach-Object { if ($_.Name -eq 'System.Void') { 'None' } else { $_.Name } })
        if ($declared.Count -eq 0) { $declared = @('None') }
        Compare-Object $declared @($Outputs) | ForEach-Object { "$($_.InputObject) ($($_.SideIndicator))" } |
            Should -BeNullOrEmpty -Because '<= is declared by [OutputType] but not documented, => documented but not declared'

        $taken = @($script:Own | Where-Object { $_.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and ($_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName) } } |
                ForEach-Object { $type = $_.ParameterType; $underlying = [Nullable]::GetUnderlyingType($type); if ($underlying) { $type = $underlying }; $type.FullName } | Sort-Object -Unique)
        if ($taken.Count -eq 0) { $taken = @('None') }
        Compare-Object $taken @($Inputs) | ForEach-Object { "$($_.InputObject) ($($_.SideIndicator))" } |
            Should -BeNullOrEmpty -Because '<= is taken from the pipeline but not documented, => documented but not taken'
    }
}

Describe 'The examples run against the simulator' {
    BeforeAll {
        $script:Simulator = Start-TestSimulator

        # Examples are written for a real account; this is what changes to run them here.
        # Each pair is (text in the example, text run instead).
        $script:Substitutions = @(
            # The account of the simulator's demo key pair.
            , @("'yourcompany'", "'demo'")
            # Every connection goes to the simulator instead of the real API.
            , @('-Credential $credential', "-Credential `$credential -BaseUri '$($script:Simulator.BaseUri)'")
            # The simulator is reached directly; the proxy of the example does not exist.
            , @(" -Proxy 'http://proxy.example.com:8080'", '')
        )

        function ConvertTo-SimulatorExample([string] $Code) {
            foreach ($pair in $script:Substitutions) { $Code = $Code.Replace($pair[0], $pair[1]) }
            $Code
        }
    }

    AfterAll {
        Disconnect-MeetEngage
        Stop-Simulator $script:Simulator
    }

    BeforeEach {
        Reset-Simulator $script:Simulator
        # What the pages assume: the user has connected (Connect-MeetEngage's own examples connect again).
        Connect-MeetEngage -Account demo -Credential (New-TestCredential) -BaseUri $script:Simulator.BaseUri
    }

    AfterEach {
        Disconnect-MeetEngage
    }

    It '<Command>: <Title>' -ForEach $examples {
        $Blocks | Should -Be 1 -Because 'an example is one powershell code block'
        $runnable = ConvertTo-SimulatorExample $Code
        $runnable | Should -Not -Match 'yourcompany' -Because 'every account name must be one the substitutions know'
        foreach ($line in ($runnable -split "`n" | Where-Object { $_ -match 'Connect-MeetEngage |Test-MeetEngageAccess .*-Credential' })) {
            $line | Should -Match '-BaseUri' -Because 'an example must never reach the real API from a test'
        }

        # Stand-ins for where a real script gets the key pair: a prompt, a vault, Azure Automation.
        function Get-Credential { New-TestCredential }
        function Get-Secret { New-TestCredential }
        function Get-AutomationPSCredential { New-TestCredential }
        $credential = New-TestCredential
        $ErrorActionPreference = 'Stop'
        $ProgressPreference = 'SilentlyContinue'

        Push-Location $TestDrive
        try {
            $null = & ([scriptblock]::Create($runnable)) 3>$null
            # A CSV an example writes to a fixed path must hold the rows it promises.
            foreach ($match in [regex]::Matches($runnable, 'Export-Csv -Path (\./[\w.-]+\.csv)')) {
                $path = $match.Groups[1].Value
                $path | Should -Exist
                @(Import-Csv -Path $path).Count | Should -BeGreaterThan 0 -Because "the example exports rows to $path"
                Remove-Item -Path $path
            }
        }
        finally {
            Pop-Location
        }
    }
}
