using System;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Security;
using System.Text;

namespace MeetEngage.Api;

/// <summary>
/// Builds the Basic header for one request from the key and the secret. The secret is read out of
/// its SecureString only here, and the plain buffers are wiped before returning; nothing keeps
/// the header value after the request is sent.
/// </summary>
internal static class BasicAuthentication
{
    public static AuthenticationHeaderValue Create(string apiKey, SecureString secret)
    {
        var pointer = IntPtr.Zero;
        char[]? chars = null;
        byte[]? bytes = null;
        try
        {
            pointer = Marshal.SecureStringToGlobalAllocUnicode(secret);
            chars = new char[apiKey.Length + 1 + secret.Length];
            apiKey.CopyTo(0, chars, 0, apiKey.Length);
            chars[apiKey.Length] = ':';
            Marshal.Copy(pointer, chars, apiKey.Length + 1, secret.Length);
            bytes = Encoding.UTF8.GetBytes(chars);
            return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(bytes));
        }
        finally
        {
            if (pointer != IntPtr.Zero)
            {
                Marshal.ZeroFreeGlobalAllocUnicode(pointer);
            }

            if (chars is not null)
            {
                Array.Clear(chars, 0, chars.Length);
            }

            if (bytes is not null)
            {
                Array.Clear(bytes, 0, bytes.Length);
            }
        }
    }
}
