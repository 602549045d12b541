using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MeetEngage.Simulator;

/// <summary>
/// Entry point. Contract with the tests: once listening, the base URI is the one and only line on stdout;
/// everything else (errors) goes to stderr.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        SimulatorOptions options;
        try
        {
            options = SimulatorOptions.Parse(args);
        }
        catch (FormatException ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}{Environment.NewLine}{Environment.NewLine}{SimulatorOptions.Usage}");
            return 2;
        }

        if (options.ShowHelp)
        {
            await Console.Out.WriteLineAsync(SimulatorOptions.Usage);
            return 0;
        }

        // A test run that is already gone has no use for a server (and would never stop it).
        if (options.ParentPid is int pid && !ParentWatcher.IsRunning(pid))
        {
            await Console.Error.WriteLineAsync($"error: parent process {pid} is not running.");
            return 1;
        }

        await using WebApplication app = Build(options);
        try
        {
            await app.StartAsync();
        }
        catch (IOException ex)
        {
            await Console.Error.WriteLineAsync($"error: cannot listen on 127.0.0.1:{options.Port}: {ex.Message}");
            return 1;
        }

        // Kestrel reports the port it really bound (port 0 picks a free one).
        string address = app.Urls.First().TrimEnd('/');
        await Console.Out.WriteLineAsync(address + ApiHandler.BasePath);
        await Console.Out.FlushAsync();

        IHostApplicationLifetime lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        if (options.ParentPid is int parentPid)
        {
            _ = ParentWatcher.WatchAsync(parentPid, lifetime);
        }

        // Returns on Ctrl+C, SIGTERM or StopApplication (parent gone), after stopping the server.
        await app.WaitForShutdownAsync();
        return 0;
    }

    private static WebApplication Build(SimulatorOptions options)
    {
        // The slim builder skips what a test server does not need (static files, HTTPS, IIS, ...): faster startup.
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
        });

        // stdout carries only the URL line: no console logger, no "Now listening on" messages.
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        builder.Logging.AddProvider(new StderrLoggerProvider());

        // The host logs a failed start, which Main reports itself in one clearer line.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        builder.WebHost.UseSetting(WebHostDefaults.SuppressStatusMessagesKey, "true");
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);

        // Stalled and endless responses must not hold up shutdown for the default 30 s.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));

        var connections = new ConnectionTracker();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, options.Port, listen => listen.Use(next => async connection =>
            {
                connections.Opened(connection.ConnectionId);
                try
                {
                    await next(connection);
                }
                finally
                {
                    connections.Closed(connection.ConnectionId);
                }
            }));
        });

        WebApplication app = builder.Build();
        CancellationToken stopping = app.Lifetime.ApplicationStopping;

        var limiter = new RateLimiter(options.RateLimit, options.RateWindow);
        var faults = new FaultQueue();
        var log = new RequestLog();
        var api = new ApiHandler(new KeyStore(options.Keys), limiter, faults, log, new DataCatalog(), stopping);
        var control = new ControlApi(faults, log, limiter, connections);

        // One terminal handler: the routes are few and fixed, and skipping endpoint routing keeps startup quick.
        app.Run(context =>
        {
            if (context.Request.Path.StartsWithSegments(ControlApi.Prefix, StringComparison.OrdinalIgnoreCase))
            {
                return control.HandleAsync(context);
            }

            connections.CarriedApiRequest(context.Connection.Id);
            return api.HandleAsync(context);
        });
        return app;
    }
}
