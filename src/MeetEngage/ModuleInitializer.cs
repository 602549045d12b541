using System;
using System.Management.Automation;
using MeetEngage.Session;

namespace MeetEngage;

/// <summary>
/// On Windows PowerShell 5.1, lets this module (and only it) find System.Text.Json and its
/// dependencies in its dependencies folder, from import until removal. On PowerShell 7 it does
/// nothing but refuse a runtime whose System.Text.Json is older than the module was built for:
/// the runtime's own serves the module.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static readonly object Gate = new();

    // One handler for the process, however many runspaces import the module (an Azure
    // Automation sandbox runs several jobs in one process); removed with the last import.
    private static int s_imports;
    private static DependencyResolver? s_resolver;

    public void OnImport()
    {
        if (!DependencyResolver.IsNeeded)
        {
            // Said at import, not as a missing System.Text.Json at the first export.
            string? problem = DependencyResolver.UnsupportedRuntimeMessage(Environment.Version);
            if (problem is not null)
            {
                throw new NotSupportedException(problem);
            }

            return;
        }

        lock (Gate)
        {
            s_imports++;
            if (s_imports == 1)
            {
                s_resolver = DependencyResolver.ForModule();
                s_resolver?.Attach();
            }
        }
    }

    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        // The assembly stays loaded after Remove-Module, and a later import would find the
        // runspace's session again: forget it, and close its connections.
        SessionStore.Release();

        if (!DependencyResolver.IsNeeded)
        {
            return;
        }

        lock (Gate)
        {
            if (s_imports == 0)
            {
                return;
            }

            s_imports--;
            if (s_imports == 0)
            {
                s_resolver?.Detach();
                s_resolver = null;
            }
        }
    }
}
