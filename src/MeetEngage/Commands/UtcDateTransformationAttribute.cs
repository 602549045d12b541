using System;
using System.Management.Automation;

namespace MeetEngage.Commands;

/// <summary>
/// Lets a [DateTimeOffset] bind to a date parameter, as its UTC instant (PowerShell has no
/// conversion from DateTimeOffset to DateTime). Everything else binds as PowerShell converts it.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class UtcDateTransformationAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        return value is DateTimeOffset offset ? offset.UtcDateTime : inputData;
    }
}
