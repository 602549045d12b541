@{
    RootModule           = 'MeetEngage.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = 'b897d549-8f52-4bbe-9d78-ee72ec3613b2'
    Author               = 'MeetEngage contributors'
    CompanyName          = 'MeetEngage contributors'
    Copyright            = '(c) MeetEngage contributors. All rights reserved.'
    Description          = 'Pull Meet & Engage organisation data (events, participants, custom MI exports) into PowerShell: streaming, rate-limit aware, ready for Export-Csv. For interactive use, scheduled runbooks and Azure Automation.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess     = @('MeetEngage.Format.ps1xml')
    CmdletsToExport      = @(
        'Connect-MeetEngage'
        'Disconnect-MeetEngage'
        'Export-MeetEngageData'
        'Get-MeetEngageData'
        'Test-MeetEngageAccess'
    )
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('MeetAndEngage', 'Meet-Engage', 'Recruitment', 'API', 'REST', 'CSV', 'Export', 'AzureAutomation', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            # The gallery links these; fill them in when the project has a public address.
            # LicenseUri = '<public address of LICENSE>'
            # ProjectUri = '<public address of the project>'
            ReleaseNotes = 'See CHANGELOG.md.'
        }
    }
}
