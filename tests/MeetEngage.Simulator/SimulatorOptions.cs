using System;
using System.Collections.Generic;
using System.Globalization;

namespace MeetEngage.Simulator;

/// <summary>An API key pair and the account it belongs to.</summary>
internal sealed record KeyPair(string Key, string Secret, string Account);

/// <summary>The command line. Parsing throws <see cref="FormatException"/> with a message fit for stderr.</summary>
internal sealed class SimulatorOptions
{
    public const string Usage = """
        Usage: dotnet MeetEngage.Simulator.dll [options]

          --port <n>                       TCP port on 127.0.0.1 (default 0 = any free port)
          --parent-pid <pid>               exit when that process exits (checked every 500 ms)
          --rate-limit <n>                 successful calls per key per window (default 10; 0 = no limit)
          --rate-window <seconds>          length of the rolling window (default 5; fractions allowed)
          --key <key>:<secret>:<account>   add a key pair (repeatable; the secret may contain ':')
          --help                           show this help

        Once listening, the base URI (http://127.0.0.1:<port>/api/1.0/rest) is the only line written to stdout.
        """;

    public int Port { get; private set; }

    public int? ParentPid { get; private set; }

    public int RateLimit { get; private set; } = 10;

    public TimeSpan RateWindow { get; private set; } = TimeSpan.FromSeconds(5);

    public IReadOnlyList<KeyPair> Keys => _keys;

    public bool ShowHelp { get; private set; }

    private readonly List<KeyPair> _keys = [];

    public static SimulatorOptions Parse(IReadOnlyList<string> args)
    {
        var options = new SimulatorOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            string? value = null;

            // Accept both "--port 0" and "--port=0".
            int equals = name.IndexOf('=', StringComparison.Ordinal);
            if (name.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                value = name[(equals + 1)..];
                name = name[..equals];
            }

            if (name is "--help" or "-h" or "-?")
            {
                options.ShowHelp = true;
                continue;
            }

            if (value is null)
            {
                if (i + 1 >= args.Count)
                {
                    throw new FormatException($"{name} needs a value.");
                }

                value = args[++i];
            }

            switch (name)
            {
                case "--port":
                    options.Port = ParseInt(name, value, 0, 65535);
                    break;
                case "--parent-pid":
                    options.ParentPid = ParseInt(name, value, 1, int.MaxValue);
                    break;
                case "--rate-limit":
                    options.RateLimit = ParseInt(name, value, 0, 1_000_000);
                    break;
                case "--rate-window":
                    if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds)
                        || !(seconds > 0 && seconds <= 86_400))
                    {
                        throw new FormatException($"--rate-window must be a number of seconds between 0 and 86400, got '{value}'.");
                    }

                    options.RateWindow = TimeSpan.FromSeconds(seconds);
                    break;
                case "--key":
                    options._keys.Add(ParseKey(value));
                    break;
                default:
                    throw new FormatException($"Unknown option '{name}'.");
            }
        }

        return options;
    }

    private static int ParseInt(string name, string value, int min, int max)
    {
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int result) || result < min || result > max)
        {
            throw new FormatException($"{name} must be an integer from {min} to {max}, got '{value}'.");
        }

        return result;
    }

    private static KeyPair ParseKey(string value)
    {
        // key:secret:account, where only the secret may contain ':' (key and account are plain names).
        int first = value.IndexOf(':', StringComparison.Ordinal);
        int last = value.LastIndexOf(':');
        if (first <= 0 || last <= first + 1 || last == value.Length - 1)
        {
            // Do not echo the value: it holds a secret.
            throw new FormatException("--key must look like <key>:<secret>:<account>, each part non-empty.");
        }

        return new KeyPair(value[..first], value[(first + 1)..last], value[(last + 1)..]);
    }
}
