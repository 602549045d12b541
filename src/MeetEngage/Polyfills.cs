// Language features the netstandard2.0 base library does not declare.
namespace System.Runtime.CompilerServices
{
    internal static class IsExternalInit
    {
    }
}
