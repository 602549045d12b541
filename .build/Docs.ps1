<#
.SYNOPSIS
    Compiles the platyPS-format markdown in docs/en-US into the module's external help.

.DESCRIPTION
    Writes, under <ModuleFolder>/en-US:
      MeetEngage.dll-Help.xml  MAML for every cmdlet page (a page whose front matter names an
                               'external help file'), laid out as platyPS's New-ExternalHelp
                               lays it out: details, description, syntax (one item per parameter
                               set, built from the PARAMETERS yaml blocks), parameters,
                               inputTypes, returnValues, alertSet, examples, relatedLinks.
      about_*.help.txt         every about_*.md page as plain text: TOPIC, the topic name,
                               SHORT DESCRIPTION on line 4 and its text on line 5 (Get-Help
                               takes line 5 as the topic's synopsis), paragraphs wrapped at 80.
    Other pages (the module page) are not compiled. platyPS is not used: it is not served by the
    package feeds the build can reach, so this is a small compiler for the part of its schema
    these docs use. Plain PowerShell that parses in Windows PowerShell 5.1.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $ModuleFolder,
    [string] $DocsFolder = (Join-Path (Split-Path $PSScriptRoot -Parent) 'docs/en-US')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$MamlNamespace = 'http://schemas.microsoft.com/maml/2004/10'
$CommandNamespace = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$DevNamespace = 'http://schemas.microsoft.com/maml/dev/2004/10'
$MSHelpNamespace = 'http://msdn.microsoft.com/mshelp'
$AboutWidth = 80
$AboutIndent = '    '

#region Markdown

# A page: its front matter, its '# Title', and its '## SECTION's (lines, fences kept).
function Read-MarkdownPage([string] $Path) {
    $lines = [System.IO.File]::ReadAllLines($Path, [System.Text.Encoding]::UTF8)
    $page = [ordered]@{ Path = $Path; FrontMatter = [ordered]@{}; Title = $null; Preamble = New-Object System.Collections.Generic.List[string]; Sections = New-Object System.Collections.Generic.List[object] }
    $index = 0
    if ($lines.Count -gt 0 -and $lines[0].Trim() -eq '---') {
        for ($index = 1; $index -lt $lines.Count -and $lines[$index].Trim() -ne '---'; $index++) {
            if ($lines[$index] -match '^([^:]+):\s*(.*)$') { $page.FrontMatter[$Matches[1].Trim()] = $Matches[2].Trim() }
        }
        $index++
    }
    $current = $null
    $inFence = $false
    for (; $index -lt $lines.Count; $index++) {
        $line = $lines[$index]
        if ($line -match '^\s*```') { $inFence = -not $inFence }
        if (-not $inFence -and $line -match '^# (.+)$' -and $null -eq $page.Title) {
            $page.Title = $Matches[1].Trim()
        }
        elseif (-not $inFence -and $line -match '^## (.+)$' -and $null -ne $page.Title) {
            $current = [ordered]@{ Name = $Matches[1].Trim(); Lines = New-Object System.Collections.Generic.List[string] }
            $page.Sections.Add($current)
        }
        elseif ($null -ne $current) {
            $current.Lines.Add($line)
        }
        else {
            $page.Preamble.Add($line)
        }
    }
    if ($null -eq $page.Title) { throw "$Path has no '# Title' heading." }
    $page
}

function Get-Section($Page, [string] $Name) {
    foreach ($section in $Page.Sections) {
        if ($section.Name -eq $Name) { return , $section.Lines }
    }
    , (New-Object System.Collections.Generic.List[string])
}

# Splits a section's lines at '### Heading' (outside fences): the lines before the first one,
# then one entry per heading.
function Split-Subsection($Lines) {
    $result = [ordered]@{ Preamble = New-Object System.Collections.Generic.List[string]; Items = New-Object System.Collections.Generic.List[object] }
    $current = $null
    $inFence = $false
    foreach ($line in $Lines) {
        if ($line -match '^\s*```') { $inFence = -not $inFence }
        if (-not $inFence -and $line -match '^### (.+)$') {
            $current = [ordered]@{ Title = $Matches[1].Trim(); Lines = New-Object System.Collections.Generic.List[string] }
            $result.Items.Add($current)
        }
        elseif ($null -ne $current) { $current.Lines.Add($line) }
        else { $result.Preamble.Add($line) }
    }
    $result
}

# Markdown text as blocks: Para (soft line breaks joined), Item (a list item, '- ' or '1. '),
# Code (a fenced block, with its language).
function ConvertTo-Block($Lines) {
    $blocks = New-Object System.Collections.Generic.List[object]
    $text = $null
    $code = $null
    foreach ($line in $Lines) {
        if ($null -ne $code) {
            if ($line -match '^\s*```\s*$') { $blocks.Add($code); $code = $null }
            else { $code.Lines.Add($line) }
            continue
        }
        if ($line -match '^\s*```\s*(\S*)') {
            if ($null -ne $text) { $blocks.Add($text); $text = $null }
            $code = [ordered]@{ Kind = 'Code'; Language = $Matches[1]; Lines = New-Object System.Collections.Generic.List[string] }
            continue
        }
        if ($line.Trim().Length -eq 0) {
            if ($null -ne $text) { $blocks.Add($text); $text = $null }
            continue
        }
        if ($line -match '^(\s*)([-*]|\d+\.) (.*)$') {
            if ($null -ne $text) { $blocks.Add($text) }
            $text = [ordered]@{ Kind = 'Item'; Marker = $Matches[2]; Depth = [int][Math]::Floor($Matches[1].Length / 2); Text = $Matches[3].Trim() }
            continue
        }
        if ($null -eq $text) { $text = [ordered]@{ Kind = 'Para'; Text = $line.Trim() } }
        else { $text.Text = $text.Text + ' ' + $line.Trim() }
    }
    if ($null -ne $code) { throw 'A code block is not closed.' }
    if ($null -ne $text) { $blocks.Add($text) }
    , $blocks
}

# Inline markdown as plain text: **bold** loses its stars, [text](link) keeps its text (and an
# absolute link in brackets), code spans keep their backticks and their content untouched
# (they read well in a console).
function ConvertFrom-InlineMarkdown([string] $Text) {
    $parts = [regex]::Split($Text, '(`[^`]*`)')
    $plain = foreach ($part in $parts) {
        if ($part.StartsWith('`')) { $part; continue }
        $part = [regex]::Replace($part, '\[([^\]]+)\]\((https?://[^)]+)\)', '$1 ($2)')
        $part = [regex]::Replace($part, '\[([^\]]+)\]\(([^)]*)\)', '$1')
        $part = $part.Replace('**', '')
        $part -replace '\\([\\`*_{}\[\]()#+\-.!|])', '$1'
    }
    $plain -join ''
}

# A block as the lines a console shows: list items keep their marker, code keeps its layout.
function ConvertTo-TextLine($Block) {
    switch ($Block.Kind) {
        'Code' { return , @($Block.Lines) }
        'Item' { return , @(('  ' * $Block.Depth) + $Block.Marker + ' ' + (ConvertFrom-InlineMarkdown $Block.Text)) }
        default { return , @(ConvertFrom-InlineMarkdown $Block.Text) }
    }
}

# 'key: value' lines of a parameter's yaml block.
function ConvertFrom-ParameterYaml($Lines) {
    $values = [ordered]@{}
    foreach ($line in $Lines) {
        if ($line -match '^([A-Za-z ]+):\s*(.*)$') { $values[$Matches[1].Trim()] = $Matches[2].Trim() }
    }
    $values
}

#endregion

#region MAML

function Write-Para([System.Xml.XmlWriter] $Writer, $Blocks) {
    foreach ($block in $Blocks) {
        foreach ($line in (ConvertTo-TextLine $block)) {
            $Writer.WriteElementString('maml', 'para', $MamlNamespace, $line)
        }
    }
}

function Write-Description([System.Xml.XmlWriter] $Writer, $Lines) {
    $Writer.WriteStartElement('maml', 'description', $MamlNamespace)
    Write-Para $Writer (ConvertTo-Block $Lines)
    $Writer.WriteEndElement()
}

# One parameter from its '### -Name' entry: the description and one metadata set per yaml block
# (platyPS writes a second block when a parameter differs between parameter sets).
function Read-Parameter($Entry) {
    if ($Entry.Title -notmatch '^-(\S+)$') { throw "Unexpected parameter heading '### $($Entry.Title)'." }
    $name = $Matches[1]
    $blocks = ConvertTo-Block $Entry.Lines
    $yaml = @($blocks | Where-Object { $_.Kind -eq 'Code' -and $_.Language -eq 'yaml' })
    if ($yaml.Count -eq 0) { throw "Parameter -$name has no yaml block." }
    $metadata = foreach ($block in $yaml) {
        $values = ConvertFrom-ParameterYaml $block.Lines
        foreach ($key in 'Type', 'Parameter Sets', 'Required', 'Position', 'Default value', 'Accept pipeline input', 'Accept wildcard characters') {
            if (-not $values.Contains($key)) { throw "The yaml block of -$name has no '$key'." }
        }
        $values
    }
    [ordered]@{
        Name        = $name
        Description = @($blocks | Where-Object { $_.Kind -ne 'Code' -or $_.Language -ne 'yaml' })
        Metadata    = @($metadata)
    }
}

function Write-Parameter([System.Xml.XmlWriter] $Writer, $Parameter, $Metadata, [bool] $InSyntax) {
    $type = $Metadata['Type']
    $isSwitch = $type -eq 'SwitchParameter'
    $position = $Metadata['Position']
    if ($position -eq 'Named') { $position = 'named' }
    $aliases = 'none'
    if ($Metadata.Contains('Aliases') -and $Metadata['Aliases']) { $aliases = $Metadata['Aliases'] }

    $Writer.WriteStartElement('command', 'parameter', $CommandNamespace)
    $Writer.WriteAttributeString('required', $Metadata['Required'].ToLowerInvariant())
    $Writer.WriteAttributeString('variableLength', ($type -like '*`[`]').ToString().ToLowerInvariant())
    $Writer.WriteAttributeString('globbing', $Metadata['Accept wildcard characters'].ToLowerInvariant())
    $Writer.WriteAttributeString('pipelineInput', $Metadata['Accept pipeline input'])
    $Writer.WriteAttributeString('position', $position)
    $Writer.WriteAttributeString('aliases', $aliases)
    $Writer.WriteElementString('maml', 'name', $MamlNamespace, $Parameter.Name)
    $Writer.WriteStartElement('maml', 'description', $MamlNamespace)
    Write-Para $Writer $Parameter.Description
    $Writer.WriteEndElement()
    if ($InSyntax -and $Metadata.Contains('Accepted values') -and $Metadata['Accepted values']) {
        $Writer.WriteStartElement('command', 'parameterValueGroup', $CommandNamespace)
        foreach ($value in ($Metadata['Accepted values'] -split ',')) {
            $Writer.WriteStartElement('command', 'parameterValue', $CommandNamespace)
            $Writer.WriteAttributeString('required', 'false')
            $Writer.WriteAttributeString('variableLength', 'false')
            $Writer.WriteString($value.Trim())
            $Writer.WriteEndElement()
        }
        $Writer.WriteEndElement()
    }
    # Inside a syntax item a switch shows no value: "[-PassThru]", not "[-PassThru <SwitchParameter>]".
    if (-not ($InSyntax -and $isSwitch)) {
        $Writer.WriteStartElement('command', 'parameterValue', $CommandNamespace)
        $Writer.WriteAttributeString('required', (-not $isSwitch).ToString().ToLowerInvariant())
        $Writer.WriteAttributeString('variableLength', 'false')
        $Writer.WriteString($type)
        $Writer.WriteEndElement()
    }
    $Writer.WriteStartElement('dev', 'type', $DevNamespace)
    $Writer.WriteElementString('maml', 'name', $MamlNamespace, $type)
    $Writer.WriteElementString('maml', 'uri', $MamlNamespace, '')
    $Writer.WriteEndElement()
    $Writer.WriteElementString('dev', 'defaultValue', $DevNamespace, $Metadata['Default value'])
    $Writer.WriteEndElement()
}

# The syntax items platyPS builds: one per parameter set named in the yaml blocks (in the order
# the SYNTAX section lists them), holding the parameters of that set and those of '(All)';
# positional parameters first by position, then the rest in the page's order.
function Write-Syntax([System.Xml.XmlWriter] $Writer, [string] $CommandName, $Parameters, [string[]] $SetOrder) {
    $sets = New-Object System.Collections.Generic.List[string]
    foreach ($set in $SetOrder) { if (-not $sets.Contains($set)) { $sets.Add($set) } }
    foreach ($parameter in $Parameters) {
        foreach ($metadata in $parameter.Metadata) {
            foreach ($set in ($metadata['Parameter Sets'] -split ',')) {
                $set = $set.Trim()
                if ($set -and $set -ne '(All)' -and -not $sets.Contains($set)) { $sets.Add($set) }
            }
        }
    }
    if ($sets.Count -eq 0) { $sets.Add('(All)') }

    $Writer.WriteStartElement('command', 'syntax', $CommandNamespace)
    foreach ($set in $sets) {
        $members = foreach ($parameter in $Parameters) {
            foreach ($metadata in $parameter.Metadata) {
                $names = @($metadata['Parameter Sets'] -split ',' | ForEach-Object { $_.Trim() })
                if ($names -contains $set -or $names -contains '(All)') {
                    $position = [int]::MaxValue
                    if ($metadata['Position'] -match '^\d+$') { $position = [int] $metadata['Position'] }
                    [pscustomobject]@{ Parameter = $parameter; Metadata = $metadata; Position = $position }
                    break
                }
            }
        }
        $Writer.WriteStartElement('command', 'syntaxItem', $CommandNamespace)
        $Writer.WriteElementString('maml', 'name', $MamlNamespace, $CommandName)
        # Sort-Object is stable in PowerShell 7 but not in 5.1: sort on the page order as well.
        $index = 0
        $ordered = @($members | ForEach-Object { $_ | Add-Member -NotePropertyName Order -NotePropertyValue ($index++) -PassThru }) |
            Sort-Object Position, Order
        foreach ($member in $ordered) { Write-Parameter $Writer $member.Parameter $member.Metadata $true }
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()
}

# '### Type' entries of INPUTS or OUTPUTS.
function Write-TypeList([System.Xml.XmlWriter] $Writer, [string] $ListName, [string] $ItemName, $Lines) {
    $Writer.WriteStartElement('command', $ListName, $CommandNamespace)
    foreach ($item in (Split-Subsection $Lines).Items) {
        $Writer.WriteStartElement('command', $ItemName, $CommandNamespace)
        $Writer.WriteStartElement('dev', 'type', $DevNamespace)
        $Writer.WriteElementString('maml', 'name', $MamlNamespace, $item.Title)
        $Writer.WriteEndElement()
        Write-Description $Writer $item.Lines
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()
}

function Write-Example([System.Xml.XmlWriter] $Writer, $Lines) {
    $Writer.WriteStartElement('command', 'examples', $CommandNamespace)
    foreach ($item in (Split-Subsection $Lines).Items) {
        $blocks = (ConvertTo-Block $item.Lines).ToArray()
        $code = @($blocks | Where-Object { $_.Kind -eq 'Code' })
        if ($code.Count -ne 1) { throw "Example '$($item.Title)' must have exactly one code block, not $($code.Count)." }
        $codeIndex = 0
        while (-not [object]::ReferenceEquals($blocks[$codeIndex], $code[0])) { $codeIndex++ }
        $Writer.WriteStartElement('command', 'example', $CommandNamespace)
        # Get-Help prints the title as it is; the dashes are what PowerShell's own help shows,
        # as many as fit on an 80-column line.
        $dashes = '-' * [Math]::Max(2, [Math]::Min(10, [Math]::Floor((72 - $item.Title.Length) / 2)))
        $Writer.WriteElementString('maml', 'title', $MamlNamespace, "$dashes $($item.Title) $dashes")
        $Writer.WriteStartElement('maml', 'introduction', $MamlNamespace)
        Write-Para $Writer @($blocks | Select-Object -First $codeIndex)
        $Writer.WriteEndElement()
        $Writer.WriteElementString('dev', 'code', $DevNamespace, ($code[0].Lines -join "`n"))
        $Writer.WriteStartElement('dev', 'remarks', $DevNamespace)
        Write-Para $Writer @($blocks | Select-Object -Skip ($codeIndex + 1))
        # An empty last paragraph: a blank line before the next example's title.
        $Writer.WriteElementString('maml', 'para', $MamlNamespace, '')
        $Writer.WriteEndElement()
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()
}

function Write-RelatedLink([System.Xml.XmlWriter] $Writer, $Page) {
    $links = New-Object System.Collections.Generic.List[object]
    $online = $Page.FrontMatter['online version']
    if ($online) { $links.Add(@('Online Version:', $online)) }
    foreach ($line in (Get-Section $Page 'RELATED LINKS')) {
        foreach ($match in [regex]::Matches($line, '\[([^\]]+)\]\(([^)]*)\)')) {
            $uri = $match.Groups[2].Value
            # A link to another page of these docs names a command or topic, not a web address.
            if ($uri -notmatch '^https?://') { $uri = '' }
            $links.Add(@($match.Groups[1].Value, $uri))
        }
    }
    $Writer.WriteStartElement('command', 'relatedLinks', $CommandNamespace)
    foreach ($link in $links) {
        $Writer.WriteStartElement('maml', 'navigationLink', $MamlNamespace)
        $Writer.WriteElementString('maml', 'linkText', $MamlNamespace, $link[0])
        $Writer.WriteElementString('maml', 'uri', $MamlNamespace, $link[1])
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()
}

function Write-Command([System.Xml.XmlWriter] $Writer, $Page) {
    $name = $Page.Title
    if ($name -notmatch '^([A-Za-z]+)-(\w+)$') { throw "$($Page.Path): '$name' is not a Verb-Noun command name." }
    $verb = $Matches[1]
    $noun = $Matches[2]

    $parameterEntries = (Split-Subsection (Get-Section $Page 'PARAMETERS')).Items
    $parameters = @($parameterEntries | Where-Object { $_.Title -ne 'CommonParameters' } | ForEach-Object { Read-Parameter $_ })
    $setOrder = @((Split-Subsection (Get-Section $Page 'SYNTAX')).Items | ForEach-Object { $_.Title -replace '\s*\(Default\)$', '' })

    $Writer.WriteStartElement('command', 'command', $CommandNamespace)
    $Writer.WriteAttributeString('xmlns', 'maml', $null, $MamlNamespace)
    $Writer.WriteAttributeString('xmlns', 'command', $null, $CommandNamespace)
    $Writer.WriteAttributeString('xmlns', 'dev', $null, $DevNamespace)
    $Writer.WriteAttributeString('xmlns', 'MSHelp', $null, $MSHelpNamespace)

    $Writer.WriteStartElement('command', 'details', $CommandNamespace)
    $Writer.WriteElementString('command', 'name', $CommandNamespace, $name)
    $Writer.WriteElementString('command', 'verb', $CommandNamespace, $verb)
    $Writer.WriteElementString('command', 'noun', $CommandNamespace, $noun)
    Write-Description $Writer (Get-Section $Page 'SYNOPSIS')
    $Writer.WriteEndElement()

    Write-Description $Writer (Get-Section $Page 'DESCRIPTION')
    Write-Syntax $Writer $name $parameters $setOrder

    $Writer.WriteStartElement('command', 'parameters', $CommandNamespace)
    foreach ($parameter in $parameters) { Write-Parameter $Writer $parameter $parameter.Metadata[0] $false }
    $Writer.WriteEndElement()

    Write-TypeList $Writer 'inputTypes' 'inputType' (Get-Section $Page 'INPUTS')
    Write-TypeList $Writer 'returnValues' 'returnValue' (Get-Section $Page 'OUTPUTS')

    $Writer.WriteStartElement('maml', 'alertSet', $MamlNamespace)
    $Writer.WriteStartElement('maml', 'alert', $MamlNamespace)
    Write-Para $Writer (ConvertTo-Block (Get-Section $Page 'NOTES'))
    $Writer.WriteEndElement()
    $Writer.WriteEndElement()

    Write-Example $Writer (Get-Section $Page 'EXAMPLES')
    Write-RelatedLink $Writer $Page
    $Writer.WriteEndElement()
}

function Write-Maml([string] $Path, $Pages) {
    $settings = New-Object System.Xml.XmlWriterSettings
    $settings.Indent = $true
    $settings.Encoding = New-Object System.Text.UTF8Encoding($false)
    $writer = [System.Xml.XmlWriter]::Create($Path, $settings)
    try {
        $writer.WriteStartDocument()
        $writer.WriteStartElement('helpItems')
        $writer.WriteAttributeString('schema', 'maml')
        foreach ($page in $Pages) { Write-Command $writer $page }
        $writer.WriteEndElement()
        $writer.WriteEndDocument()
    }
    finally {
        $writer.Close()
    }
}

#endregion

#region About topics

# Words of a paragraph on lines of at most $AboutWidth characters, each starting with $Indent
# (and $Hanging after the first); a word longer than a line stands on its own.
function Format-Wrapped([string] $Text, [string] $Indent, [string] $Hanging) {
    $lines = New-Object System.Collections.Generic.List[string]
    $line = $Indent
    $prefix = $Indent
    foreach ($word in ($Text -split ' ' | Where-Object { $_ })) {
        if ($line.Length -gt $prefix.Length -and ($line.Length + 1 + $word.Length) -gt $AboutWidth) {
            $lines.Add($line)
            $prefix = $Hanging
            $line = $prefix + $word
        }
        elseif ($line.Length -gt $prefix.Length) { $line = $line + ' ' + $word }
        else { $line = $line + $word }
    }
    if ($line.Length -gt $prefix.Length) { $lines.Add($line) }
    $lines
}

# The text layout platyPS gives an about topic: '# Name' then '## name' become TOPIC and the
# indented name; other '# HEADINGS' are upper-case at the margin, '## Subtopics' as written,
# deeper headings indented; text indented by four and wrapped at 80; code indented, unwrapped.
function ConvertTo-AboutText($Page) {
    $lines = [System.IO.File]::ReadAllLines($Page.Path, [System.Text.Encoding]::UTF8)
    $body = New-Object System.Collections.Generic.List[string]
    $headings = 0
    $chunk = New-Object System.Collections.Generic.List[string]
    $inFence = $false
    $flush = {
        $blocks = (ConvertTo-Block $chunk).ToArray()
        for ($i = 0; $i -lt $blocks.Count; $i++) {
            $block = $blocks[$i]
            switch ($block.Kind) {
                'Code' { foreach ($codeLine in $block.Lines) { $body.Add(($AboutIndent + $codeLine).TrimEnd()) } }
                'Item' {
                    $indent = $AboutIndent + ('  ' * $block.Depth)
                    $marker = $block.Marker + ' '
                    foreach ($wrapped in (Format-Wrapped ($marker + (ConvertFrom-InlineMarkdown $block.Text)) $indent ($indent + (' ' * $marker.Length)))) { $body.Add($wrapped) }
                }
                default { foreach ($wrapped in (Format-Wrapped (ConvertFrom-InlineMarkdown $block.Text) $AboutIndent $AboutIndent)) { $body.Add($wrapped) } }
            }
            # A blank line after each block, but none between the items of one list.
            if ($block.Kind -ne 'Item' -or $i + 1 -eq $blocks.Count -or $blocks[$i + 1].Kind -ne 'Item') { $body.Add('') }
        }
        $chunk.Clear()
    }
    foreach ($line in $lines) {
        if ($line -match '^\s*```') { $inFence = -not $inFence }
        if (-not $inFence -and $line -match '^(#+) (.+)$') {
            & $flush
            $level = $Matches[1].Length
            $text = $Matches[2].Trim()
            $headings++
            if ($headings -eq 1) { $body.Add('TOPIC') }
            elseif ($headings -eq 2 -and $level -eq 2) { $body.Add($AboutIndent + $text); $body.Add('') }
            elseif ($level -eq 1) { $body.Add($text.ToUpperInvariant()) }
            elseif ($level -eq 2) { $body.Add($text) }
            else { $body.Add($AboutIndent + $text.ToUpperInvariant()) }
            continue
        }
        $chunk.Add($line)
    }
    & $flush
    while ($body.Count -gt 0 -and $body[$body.Count - 1] -eq '') { $body.RemoveAt($body.Count - 1) }

    # Get-Help takes the fifth line as the synopsis of an about topic and ignores a topic without one.
    if ($body.Count -lt 5 -or $body[0] -ne 'TOPIC' -or $body[3] -ne 'SHORT DESCRIPTION' -or -not $body[4].Trim()) {
        throw "$($Page.Path) must start '# <name>', '## <name>', '# SHORT DESCRIPTION' and a one-line short description."
    }
    if ($body[5].Trim()) { throw "$($Page.Path): the short description must fit on one line of $AboutWidth characters." }
    ($body -join [Environment]::NewLine) + [Environment]::NewLine
}

#endregion

$pages = @(Get-ChildItem -Path $DocsFolder -Filter *.md | Sort-Object Name | ForEach-Object { Read-MarkdownPage $_.FullName })
$helpFolder = Join-Path $ModuleFolder 'en-US'
$null = New-Item -ItemType Directory -Force $helpFolder

$commandPages = @($pages | Where-Object { $_.FrontMatter.Contains('external help file') })
foreach ($file in @($commandPages | ForEach-Object { $_.FrontMatter['external help file'] } | Sort-Object -Unique)) {
    $path = Join-Path $helpFolder $file
    Write-Host "Help: $path"
    Write-Maml $path @($commandPages | Where-Object { $_.FrontMatter['external help file'] -eq $file })
}

foreach ($page in @($pages | Where-Object { [System.IO.Path]::GetFileName($_.Path) -like 'about_*.md' })) {
    $path = Join-Path $helpFolder ([System.IO.Path]::GetFileNameWithoutExtension($page.Path) + '.help.txt')
    Write-Host "Help: $path"
    [System.IO.File]::WriteAllText($path, (ConvertTo-AboutText $page), (New-Object System.Text.UTF8Encoding($false)))
}
