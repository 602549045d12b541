using System.Runtime.CompilerServices;
using System;
using System.Linq.Expressions;
using System.Management.Automation;

namespace MeetEngage.Json;

/// <summary>Rows and nested objects as PSCustomObjects, properties in the order the API sent them.</summary>
internal sealed class PSObjectRowBuilder : IRowBuilder<PSObject>
{
    public static readonly PSObjectRowBuilder Instance = new();

    // PowerShell 6.1 and later (not the 5.1 reference assemblies) have PSObject(int instanceMemberCapacity),
    // made for ConvertFrom-Json. Unlike new PSObject(), an object made by it holds its members itself
    // instead of registering in PowerShell's instance-member table, which costs every object a dependent
    // GC handle that each later collection must scan: a million rows then build in about half the time,
    // with a tenth of the collection pauses, and nothing is left for the process's collector to catch up on.
    private static readonly Func<int, PSObject>? s_withCapacity = CompileCapacityConstructor();

    // PowerShell stores a copy of the member it is given, never the member itself, so one
    // member per thread can carry every name and value in: a property then costs one member
    // instead of two. Checked once at load, so a PowerShell that kept the given member
    // would simply get a fresh member per property, as before.
    private static readonly bool StoresACopy = AddStoresACopy();

    [ThreadStatic]
    private static CarrierProperty? t_carrier;

    /// <summary>True where rows are built with their capacity (PowerShell 6.1 and later).</summary>
    internal static bool BuildsWithCapacity => s_withCapacity is not null;

    [MethodImpl(HotPath.Optimized)]
    public PSObject NewObject(int expectedProperties) =>
        s_withCapacity is { } create ? create(expectedProperties) : new PSObject();

    // The reader has already ruled out a repeated name (ignoring case), so PowerShell's own
    // duplicate check, a large part of the cost per property, can be skipped.
    [MethodImpl(HotPath.Optimized)]
    public void Add(PSObject target, string name, object? value)
    {
        if (!StoresACopy)
        {
            target.Properties.Add(new PSNoteProperty(name, value), preValidated: true);
            return;
        }

        var carrier = t_carrier ??= new CarrierProperty();
        carrier.Carry(name, value);
        target.Properties.Add(carrier, preValidated: true);
        carrier.Value = null;
    }

    public void Replace(PSObject target, string name, object? value) =>
        target.Properties[name].Value = value;

    private static Func<int, PSObject>? CompileCapacityConstructor()
    {
        var constructor = typeof(PSObject).GetConstructor(new[] { typeof(int) });
        if (constructor is null)
        {
            return null;
        }

        var capacity = Expression.Parameter(typeof(int), "instanceMemberCapacity");
        return Expression.Lambda<Func<int, PSObject>>(Expression.New(constructor, capacity), capacity).Compile();
    }

    private static bool AddStoresACopy()
    {
        try
        {
            // Probed on an object made the way rows are made.
            var probe = Instance.NewObject(1);
            var carrier = new CarrierProperty();
            carrier.Carry("Probe", 1);
            probe.Properties.Add(carrier, preValidated: true);
            carrier.Carry("Other", 2);
            var stored = probe.Properties["Probe"];
            return stored is not null && !ReferenceEquals(stored, carrier) && stored.GetType() == typeof(PSNoteProperty) && Equals(stored.Value, 1);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or ExtendedTypeSystemException)
        {
            return false;
        }
    }

    /// <summary>A note property whose name can change, to hand PowerShell one property after another.</summary>
    private sealed class CarrierProperty : PSNoteProperty
    {
        public CarrierProperty()
            : base("Carrier", null)
        {
        }

        public void Carry(string name, object? value)
        {
            SetMemberName(name);
            Value = value;
        }
    }
}
