using System;
using System.Management.Automation;

namespace MeetEngage.Commands;

/// <summary>
/// Rejects null, empty and whitespace-only strings at parameter binding. (PowerShell 7.4 has
/// ValidateNotNullOrWhiteSpace; Windows PowerShell 5.1 does not.)
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ValidateNotWhiteSpaceAttribute : ValidateArgumentsAttribute
{
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        if (arguments is null || (arguments is string text && text.Trim().Length == 0))
        {
            throw new ValidationMetadataException("The argument is null, empty or only white space. Supply a value that contains text.");
        }
    }
}
