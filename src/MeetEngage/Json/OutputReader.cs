using System.Runtime.CompilerServices;
using System;
using System.Buffers;
using System.Globalization;
using System.IO;
using System.Text.Json;

namespace MeetEngage.Json;

/// <summary>
/// Reads <c>{"output":[{...},{...}], ...}</c> from a stream one row at a time, in one pass over a
/// reused buffer, without ever holding the whole body. Property names are decoded once per
/// response. Anything that is not such a body ends in a <see cref="MeetEngageException"/> of
/// kind <see cref="ErrorKind.InvalidData"/> or <see cref="ErrorKind.Truncated"/>, never in
/// another exception, a hang on a well-behaved stream, or a silent short result.
/// </summary>
internal sealed partial class OutputReader<TObject> : IDisposable
    where TObject : class
{
    /// <summary>No single JSON token (a long string, say) may be larger than this.</summary>
    public const int DefaultMaxTokenBytes = 16 * 1024 * 1024;

    public const int DefaultMaxDepth = 64;

    private const int InitialBufferBytes = 64 * 1024;
    private const int ExcerptChars = 160;

    /// <summary>The longest description of a problem, which may quote the body.</summary>
    private const int ProblemChars = 200;

    /// <summary>How much of a literal the parser quotes is kept.</summary>
    private const int QuotedLiteralChars = 24;

    /// <summary>Context shown before the failing token when the excerpt is not the body's start.</summary>
    private const int ExcerptLead = 32;

    private readonly Stream _stream;
    private readonly IRowBuilder<TObject> _builder;

    /// <summary>Set when the builder takes rows as tokens (a file export): no object per row.</summary>
    private readonly IRowTokens<TObject>? _tokens;

    /// <summary>Token mode: whether the current row repeated a key within one of its objects.</summary>
    private bool _rowRepeatsKey;

    /// <summary>Token mode: whether the builder takes a row's tokens, or only the row's own property names at its end.</summary>
    private readonly bool _wantsTokens;

    // Token mode without tokens: the current row's own property names.
    private PropertyName[] _rowNames = new PropertyName[64];
    private int _rowNameCount;

    // Token mode: where the current row's bytes begin in the buffer (-1 between rows), how long the
    // row would be as compact JSON, whether it has an escaped string or name, and whether the last
    // token ended a value (so that the next one comes after a comma).
    private int _rowStart = -1;
    private readonly bool _countCompactBytes;
    private long _rowCompactBytes;
    private bool _rowEscaped;
    private bool _rowAfterValue;
    private readonly IOutputObserver? _observer;

    /// <summary>What the caller must keep out of messages (Api: an echoed Authorization header).</summary>
    private readonly Func<string, string>? _redact;
    private readonly int _maxTokenBytes;
    private readonly JsonReaderOptions _options;
    private readonly PropertyNameTable _names = new();
    private readonly ValueCache _values = new();

    // A file writer wants numbers and keys as the API wrote them (see IKeepsApiText).
    private readonly int _numberKind;
    private readonly bool _keysAsSent;

    // The open objects and arrays, innermost last; an array (not a List) so frames are
    // updated in place through refs rather than copied out and back on every token.
    private Frame[] _frames = new Frame[8];
    private int _depth;

    // How many properties the last object closed at each depth had: rows and their nested
    // objects mostly repeat their shape, so a new object is made with room for that many.
    private int[] _widths = new int[8];

    // The name the last row began with: the first guess for the next row's first name.
    private PropertyName? _firstRowName;

    // The body's first bytes, kept for error messages: by the time a body turns out to have no
    // 'output' (say), the reader has consumed and dropped them.
    private readonly byte[] _head = new byte[ExcerptChars];
    private int _headLength;

    private byte[] _buffer;
    private int _start;
    private int _end;
    private bool _endOfStream;
    private long _bytesBefore;
    private JsonReaderState _state;
    private bool _checkedByteOrderMark;

    /// <summary>Body offset of the token being handled, or where malformed JSON was met.</summary>
    private long _tokenAt;

    /// <summary>Body offset just after the last complete token.</summary>
    private long _lastTokenEnd;

    private Phase _phase = Phase.BeforeRoot;
    private string? _metadataName;
    private bool _sawOutput;
    private bool _sawError;
    private bool _reportedDuplicate;

    // A hostile body could rename thousands of names; a few warnings say enough.
    private const int MaxRenameReports = 10;
    private int _renamesReported;

    /// <summary>True while the observer runs: what it throws is its own, never a parse failure.</summary>
    private bool _notifying;

    public OutputReader(Stream stream, IRowBuilder<TObject> builder, IOutputObserver? observer = null, int maxTokenBytes = DefaultMaxTokenBytes, int maxDepth = DefaultMaxDepth, Func<string, string>? redact = null)
    {
        _stream = stream ?? throw new ArgumentNullException(nameof(stream));
        _builder = builder ?? throw new ArgumentNullException(nameof(builder));
        _observer = observer;
        _redact = redact;
        _maxTokenBytes = maxTokenBytes;
        _options = new JsonReaderOptions { MaxDepth = maxDepth, CommentHandling = JsonCommentHandling.Disallow };
        _state = new JsonReaderState(_options);
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Min(InitialBufferBytes, maxTokenBytes + 1));
        _tokens = builder as IRowTokens<TObject>;
        _countCompactBytes = _tokens?.WantsCompactLength == true;
        _wantsTokens = _tokens?.WantsTokens == true;
        _keysAsSent = builder is IKeepsApiText;
        _numberKind = _keysAsSent ? ValueCache.NumberTextKind : ValueCache.NumberKind;
    }

    private enum Phase
    {
        BeforeRoot,
        InRoot,
        BeforeOutput,
        InOutput,
        InRow,
        InMetadata,
        Done,
    }

    /// <summary>Rows returned so far.</summary>
    public long RowsRead { get; private set; }

    /// <summary>Body bytes consumed so far.</summary>
    public long BytesRead => _bytesBefore + _start;

    /// <summary>Reads the next row; false at the clean end of a complete body.</summary>
    /// <remarks>
    /// The parser's own exception is not kept as the inner exception: its message may quote the
    /// body at any length (an echoed Authorization header included), and error records, Get-Error
    /// and serialized job streams show inner exceptions in full. The sanitised text is kept.
    /// </remarks>
    public bool TryReadRow(out TObject row)
    {
        try
        {
            return TryReadRowCore(out row);
        }
        catch (JsonException e) when (!_notifying)
        {
            throw InvalidData(Describe(e), null);
        }
        catch (InvalidOperationException e) when (!_notifying)
        {
            // Utf8JsonReader reports invalid UTF-8 and impossible transcoding this way.
            throw InvalidData("the body is not valid UTF-8 JSON: " + Excerpts.Printable(e.Message, ProblemChars, _redact, quoted: false), null);
        }
        catch (ArgumentException e) when (!_notifying)
        {
            throw InvalidData("the body is not valid JSON: " + Excerpts.Printable(e.Message, ProblemChars, _redact, quoted: false), null);
        }
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = Array.Empty<byte>();
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    [MethodImpl(HotPath.Optimized)]
    private bool TryReadRowCore(out TObject row)
    {
        while (true)
        {
            if (!_checkedByteOrderMark && !SkipByteOrderMark())
            {
                Refill();
                continue;
            }

            var reader = new Utf8JsonReader(new ReadOnlySpan<byte>(_buffer, _start, _end - _start), isFinalBlock: false, _state);
            TObject? completed = null;
            var tokenEnd = -1L;
            try
            {
                while (completed is null)
                {
                    if (_phase == Phase.InRow && _tokens is not null)
                    {
                        // A row's tokens in a loop of their own, without the token's offset: no row
                        // token is an error of ours, and the parser's own errors set it below.
                        if (!ReadRowTokens(ref reader, out completed, ref tokenEnd))
                        {
                            break;
                        }

                        continue;
                    }

                    if (!reader.Read())
                    {
                        break;
                    }

                    _tokenAt = _bytesBefore + _start + reader.TokenStartIndex;
                    tokenEnd = reader.BytesConsumed;
                    completed = _phase == Phase.InRow ? HandleInRow(ref reader) : Handle(ref reader);
                }
            }
            catch (JsonException)
            {
                _tokenAt = _bytesBefore + _start + reader.BytesConsumed;
                throw;
            }

            if (tokenEnd >= 0)
            {
                _lastTokenEnd = _bytesBefore + _start + tokenEnd;
            }

            _start += (int)reader.BytesConsumed;
            _state = reader.CurrentState;
            if (completed is not null)
            {
                RowsRead++;
                row = completed;
                return true;
            }

            if (_endOfStream)
            {
                return Finish(out row);
            }

            Refill();
        }
    }

    private bool Finish(out TObject row)
    {
        row = null!;
        if (_phase != Phase.Done)
        {
            throw new MeetEngageException(
                ErrorKind.Truncated,
                "TruncatedResponse",
                string.Format(CultureInfo.InvariantCulture, "The response ended before its JSON was complete, after {0} rows and {1} bytes.", RowsRead, BytesRead))
            {
                RowsWritten = RowsRead,
            };
        }

        for (var i = _start; i < _end; i++)
        {
            if (!IsJsonWhitespace(_buffer[i]))
            {
                throw InvalidData("unexpected content after the end of the JSON body", null);
            }
        }

        if (!_sawOutput && !_sawError)
        {
            throw InvalidData("the body has no 'output' array and no error", null);
        }

        return false;
    }

    [MethodImpl(HotPath.Optimized)]
    private TObject? Handle(ref Utf8JsonReader reader)
    {
        var token = reader.TokenType;
        switch (_phase)
        {
            case Phase.BeforeRoot:
                if (token != JsonTokenType.StartObject)
                {
                    throw InvalidData("the body is not a JSON object", null);
                }

                _phase = Phase.InRoot;
                return null;

            case Phase.InRoot:
                if (token == JsonTokenType.EndObject)
                {
                    _phase = Phase.Done;
                    return null;
                }

                var name = reader.GetString()!;
                if (name == ApiFields.Output)
                {
                    if (_sawOutput)
                    {
                        throw InvalidData("the body has more than one 'output' property", null);
                    }

                    _sawOutput = true;
                    _phase = Phase.BeforeOutput;
                }
                else
                {
                    _sawError |= ApiFields.IsError(name);
                    _metadataName = name;
                    _phase = Phase.InMetadata;
                }

                return null;

            case Phase.BeforeOutput:
                if (token != JsonTokenType.StartArray)
                {
                    throw InvalidData("'output' is " + Describe(token) + ", not an array", null);
                }

                _phase = Phase.InOutput;
                return null;

            case Phase.InOutput:
                if (token == JsonTokenType.EndArray)
                {
                    _phase = Phase.InRoot;
                    return null;
                }

                if (token != JsonTokenType.StartObject)
                {
                    throw InvalidData(string.Format(CultureInfo.InvariantCulture, "row {0} of 'output' is {1}, not an object", RowsRead + 1, Describe(token)), null);
                }

                _phase = Phase.InRow;
                if (_tokens is not null)
                {
                    StartRowTokens(ref reader);
                    return null;
                }

                Push(Frame.ForObject(_builder.NewObject(_widths[_depth])));
                return null;

            case Phase.InRow:
                return HandleInRow(ref reader);

            case Phase.InMetadata:
                HandleInMetadata(ref reader);
                return null;

            default:
                // Utf8JsonReader itself rejects a second top-level value.
                throw InvalidData("unexpected content after the end of the JSON body", null);
        }
    }

    [MethodImpl(HotPath.Optimized)]
    private TObject? HandleInRow(ref Utf8JsonReader reader)
    {
        if (!Accept(ref reader, out var finished))
        {
            return null;
        }

        // The row's own object has closed.
        _phase = Phase.InOutput;
        return (TObject)finished!;
    }

    private void HandleInMetadata(ref Utf8JsonReader reader)
    {
        if (_depth == 0 && reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            Notify(_metadataName!, RedactMetadata(ReadScalar(ref reader)), anomaly: null);
            _phase = Phase.InRoot;
            return;
        }

        if (Accept(ref reader, out var finished))
        {
            Notify(_metadataName!, finished, anomaly: null);
            _phase = Phase.InRoot;
        }
    }

    /// <summary>
    /// Resolves a property name. Rows mostly repeat the previous row's names in the same order,
    /// so the name that followed this one last time is tried first, with one byte compare.
    /// </summary>
    [MethodImpl(HotPath.Optimized)]
    private void NameProperty(ref Utf8JsonReader reader)
    {
        ref var top = ref _frames[_depth - 1];
        var previous = top.PendingName;
        var isRowLevel = _depth == 1 && _phase == Phase.InRow;
        var guess = previous is not null ? previous.Next : isRowLevel ? _firstRowName : null;
        var name = _names.Get(ref reader, guess);
        if (previous is not null)
        {
            if (!ReferenceEquals(previous.Next, name))
            {
                previous.Next = name;
            }
        }
        else if (isRowLevel)
        {
            _firstRowName = name;
        }

        top.PendingName = name;
        if (name.SentAs is not null && !name.RenameReported && !_keysAsSent)
        {
            ReportRename(name);
        }
    }

    [MethodImpl(HotPath.Optimized)]
    private void Store(object? value)
    {
        ref var top = ref _frames[_depth - 1];
        if (top.Array is not null)
        {
            top.Array.Add(value);
            return;
        }

        var name = top.PendingName!;
        var key = _keysAsSent ? name.SentAs ?? name.Text : name.Text;
        if (top.Seen.Add(name))
        {
            top.Width++;
            _builder.Add((TObject)top.Object!, key, value);
        }
        else
        {
            _builder.Replace((TObject)top.Object!, key, value);
            ReportRepeatedKey(name);
        }
    }

    private void ReportRepeatedKey(PropertyName name)
    {
        if (!_reportedDuplicate)
        {
            _reportedDuplicate = true;
            Notify(null, null, string.Format(CultureInfo.InvariantCulture, "The response repeats the property '{0}' within one object (near row {1}); the last value was kept.", name.Text, RowsRead + 1));
        }
    }

}
