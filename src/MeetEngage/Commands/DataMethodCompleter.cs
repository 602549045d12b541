using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using MeetEngage.Session;

namespace MeetEngage.Commands;

/// <summary>Completes -DataMethod with 'standard' and the methods this runspace's session has used.</summary>
public sealed class DataMethodCompleter : IArgumentCompleter
{
    public const string Standard = "standard";

    private static readonly char[] NeedsQuotes = { ' ', '\'', '"', '$', '`', '&', '#', ';', '(', ')', '{', '}', ',', '|', '@' };

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
        var session = fakeBoundParameters?["Session"] as MeetEngageSession
            ?? (fakeBoundParameters?["Session"] as PSObject)?.BaseObject as MeetEngageSession
            ?? SessionStore.Current;
        var names = new[] { Standard }.Concat(session?.DataMethodsUsed ?? Enumerable.Empty<string>()).Distinct(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                var text = name.IndexOfAny(NeedsQuotes) >= 0 ? "'" + name.Replace("'", "''") + "'" : name;
                yield return new CompletionResult(text, name, CompletionResultType.ParameterValue, name);
            }
        }
    }
}
