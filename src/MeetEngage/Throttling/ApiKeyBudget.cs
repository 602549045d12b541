using System;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace MeetEngage.Throttling;

/// <summary>
/// Names the budget a request draws on: the API key at one server. The limit is the server's,
/// per key, so the origin (scheme, host, port) is part of the name: two servers (a test
/// simulator beside the real API, two simulators of two test runs) never slow each other.
/// </summary>
internal static class ApiKeyBudget
{
    public const string LedgerFilePattern = "ratelimit-*.ledger";

    /// <summary>The in-process name of the budget; it holds the key id, so it stays in memory.</summary>
    public static string Name(Uri baseUri, string apiKey) => Origin(baseUri) + "\n" + apiKey;

    /// <summary><c>scheme://host:port</c>, lower case, the port always written.</summary>
    public static string Origin(Uri uri) =>
        string.Format(CultureInfo.InvariantCulture, "{0}://{1}:{2}", uri.Scheme, uri.IdnHost, uri.Port).ToLowerInvariant();

    /// <summary>The ledger's file name: a hash of the budget's name, so no file holds the key id.</summary>
    public static string LedgerFileName(string budgetName)
    {
        using var sha = SHA256.Create();
        var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(budgetName));
        var name = new StringBuilder("ratelimit-", 10 + 32 + 7);
        for (var i = 0; i < 16; i++)
        {
            name.Append(hash[i].ToString("x2", CultureInfo.InvariantCulture));
        }

        return name.Append(".ledger").ToString();
    }
}
