using System;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MeetEngage.Simulator;

/// <summary>
/// Stops the simulator when the process that started it (a test run) has gone, so no test leaves a server behind.
/// </summary>
internal static class ParentWatcher
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    public static async Task WatchAsync(int pid, IHostApplicationLifetime lifetime)
    {
        using Process? parent = TryOpen(pid);
        if (parent is null)
        {
            await Console.Error.WriteLineAsync($"Parent process {pid} has exited; stopping.");
            lifetime.StopApplication();
            return;
        }

        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(lifetime.ApplicationStopping))
            {
                if (HasExited(parent))
                {
                    lifetime.StopApplication();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping for another reason.
        }
    }

    public static bool IsRunning(int pid)
    {
        using Process? process = TryOpen(pid);
        return process is not null;
    }

    private static Process? TryOpen(int pid)
    {
        try
        {
            Process process = Process.GetProcessById(pid);
            if (!HasExited(process))
            {
                return process;
            }

            process.Dispose();
            return null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static bool HasExited(Process process)
    {
        try
        {
            process.Refresh();
            if (process.HasExited)
            {
                return true;
            }
        }
        catch (InvalidOperationException)
        {
            return true;
        }
        catch (Win32Exception)
        {
            return true;
        }

        // On Linux an exited parent that nobody has reaped yet is a zombie and still "exists"; count it as gone.
        return OperatingSystem.IsLinux() && IsZombie(process.Id);
    }

    private static bool IsZombie(int pid)
    {
        try
        {
            // /proc/<pid>/stat: "pid (comm) S ..."; comm may contain spaces or ')', so read after the last ')'.
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            int close = stat.LastIndexOf(')');
            return close < 0 || close + 2 >= stat.Length || stat[close + 2] is 'Z' or 'X';
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}

/// <summary>Writes errors (only) to stderr, one line each, so stdout stays reserved for the URL line.</summary>
internal sealed class StderrLoggerProvider : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new StderrLogger(categoryName);

    public void Dispose()
    {
    }

    private sealed class StderrLogger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                string detail = exception is null ? string.Empty : $" ({exception.GetType().Name}: {exception.Message})";
                Console.Error.WriteLine($"{logLevel}: {category}: {formatter(state, exception)}{detail}");
            }
        }
    }
}
