namespace MarketFeed.Protocol;

/// <summary>Error codes of the error message (docs/protocol.md section 8).</summary>
public enum ErrorCode
{
    /// <summary>Malformed message or bad field.</summary>
    BadRequest = 400,

    /// <summary>Not entitled.</summary>
    Forbidden = 403,

    /// <summary>Symbol not in the universe.</summary>
    UnknownSymbol = 404,

    /// <summary>Unknown op.</summary>
    UnknownOp = 405,

    /// <summary>Conflicts with current state.</summary>
    Conflict = 409,

    /// <summary>Dataset not in the catalog.</summary>
    UnknownDataset = 410,

    /// <summary>Control message too large.</summary>
    TooLarge = 413,

    /// <summary>Per-connection limit exceeded.</summary>
    LimitExceeded = 422,

    /// <summary>Control messages too frequent.</summary>
    RateLimited = 429,

    /// <summary>Unexpected server error.</summary>
    Internal = 500,
}

/// <summary>Wire names of <see cref="ErrorCode"/>.</summary>
public static class ErrorCodeNames
{
    /// <summary>The snake_case name sent as codeName.</summary>
    public static string Name(this ErrorCode code) => code switch
    {
        ErrorCode.BadRequest => "bad_request",
        ErrorCode.Forbidden => "forbidden",
        ErrorCode.UnknownSymbol => "unknown_symbol",
        ErrorCode.UnknownOp => "unknown_op",
        ErrorCode.Conflict => "conflict",
        ErrorCode.UnknownDataset => "unknown_dataset",
        ErrorCode.TooLarge => "too_large",
        ErrorCode.LimitExceeded => "limit_exceeded",
        ErrorCode.RateLimited => "rate_limited",
        ErrorCode.Internal => "internal",
        _ => "error",
    };
}
