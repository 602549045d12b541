using System;
using System.Management.Automation;
using System.Text.RegularExpressions;

namespace MeetEngage.Commands;

/// <summary>
/// Refuses, at parameter binding, a name the API cannot know: null, empty or white space, or
/// text with control characters (line breaks, tabs). For data methods it also refuses what
/// PowerShell makes of an object converted to text: a type name such as
/// System.Collections.Hashtable, or a rendering such as @{DataMethod=x}; no request is sent.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ValidateApiNameAttribute : ValidateArgumentsAttribute
{
    private static readonly Regex TypeName = new(@"^System(\.[A-Za-z_][A-Za-z0-9_`]*)+(\[.*\])?$", RegexOptions.CultureInvariant);

    /// <summary>Also refuse type names and @{...} renderings (for data methods).</summary>
    public bool RefuseRenderedObjects { get; set; }

    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        var text = arguments as string ?? (arguments as PSObject)?.BaseObject as string;
        if (text is null || text.Trim().Length == 0)
        {
            throw new ValidationMetadataException("The argument is null, empty or only white space. Supply a value that contains text.");
        }

        foreach (var c in text)
        {
            if (char.IsControl(c))
            {
                throw new ValidationMetadataException("The argument contains a control character (such as a line break or a tab), which no Meet & Engage name has.");
            }
        }

        if (RefuseRenderedObjects && (TypeName.IsMatch(text) || (text.StartsWith("@{", StringComparison.Ordinal) && text.EndsWith("}", StringComparison.Ordinal))))
        {
            throw new ValidationMetadataException("'" + text + "' is what PowerShell makes of an object converted to text, not a data method. Give the name as a string, or pipe strings or objects with a DataMethod property.");
        }
    }
}
