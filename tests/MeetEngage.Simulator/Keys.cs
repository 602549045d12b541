using System;
using System.Buffers.Text;
using System.Collections.Generic;
using System.Security.Cryptography;
using System.Text;

namespace MeetEngage.Simulator;

/// <summary>What a request's Authorization header carried. The password is used only to check the key pair.</summary>
internal readonly record struct BasicCredentials(bool HeaderPresent, string? User, string? Password)
{
    public static BasicCredentials FromHeader(string? header)
    {
        if (string.IsNullOrEmpty(header))
        {
            return default;
        }

        const string Scheme = "Basic ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return new BasicCredentials(true, null, null);
        }

        string encoded = header[Scheme.Length..].Trim();
        byte[] bytes = new byte[Base64.GetMaxDecodedFromUtf8Length(encoded.Length)];
        if (!Convert.TryFromBase64String(encoded, bytes, out int length))
        {
            return new BasicCredentials(true, null, null);
        }

        string decoded;
        try
        {
            decoded = new UTF8Encoding(false, true).GetString(bytes, 0, length);
        }
        catch (DecoderFallbackException)
        {
            return new BasicCredentials(true, null, null);
        }

        // RFC 7617: the user name ends at the first colon; the password may contain colons.
        int colon = decoded.IndexOf(':', StringComparison.Ordinal);
        return colon < 0
            ? new BasicCredentials(true, decoded, null)
            : new BasicCredentials(true, decoded[..colon], decoded[(colon + 1)..]);
    }
}

/// <summary>The key pairs the simulator accepts, each linked to one account (as on the real platform).</summary>
internal sealed class KeyStore
{
    private readonly Dictionary<string, (byte[] Secret, string Account)> _keys = new(StringComparer.Ordinal);

    public KeyStore(IEnumerable<KeyPair> extra)
    {
        Add(new KeyPair("demo-key", "demo-secret", "demo"));
        Add(new KeyPair("other-key", "other-secret", "other"));
        foreach (KeyPair pair in extra)
        {
            Add(pair);
        }
    }

    /// <summary>Returns the account of a valid key pair, or null.</summary>
    public string? Authenticate(BasicCredentials credentials)
    {
        if (credentials.User is null || credentials.Password is null
            || !_keys.TryGetValue(credentials.User, out (byte[] Secret, string Account) entry))
        {
            return null;
        }

        // Constant-time comparison: cheap, and the habit is worth keeping even in a test server.
        byte[] given = Encoding.UTF8.GetBytes(credentials.Password);
        return CryptographicOperations.FixedTimeEquals(given, entry.Secret) ? entry.Account : null;
    }

    private void Add(KeyPair pair) => _keys[pair.Key] = (Encoding.UTF8.GetBytes(pair.Secret), pair.Account);
}
