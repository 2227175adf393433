using MarketFeed.Protocol;
using MarketFeed.Testing;

namespace MarketFeed.UnitTests.Protocol;

/// <summary>Issue 13 part 5: inputs that once escaped the parser as OverflowException, InvalidOperationException or ArgumentOutOfRangeException.</summary>
public sealed class ControlRequestParserHostileInputTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in HostileControlMessages.All)
        {
            data.Add(c.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void HostileMessage_IsBadRequest_WithTheRequestIdWhenReadable(string name)
    {
        var c = HostileControlMessages.All.Single(x => x.Name == name);
        var ex = Assert.Throws<ControlRequestException>(() => Parse(c));
        Assert.Equal(ErrorCode.BadRequest, ex.Code);
        Assert.Equal(c.ExpectedRequestId, ex.RequestId);
    }

    private static void Parse(HostileControlMessages.HostileMessage c)
    {
        ControlRequest request = c.Binary ? ControlRequestParser.ParseMessagePack(c.Payload) : ControlRequestParser.ParseJson(c.Payload);
        Assert.Fail($"parsed as op '{request.Op}', id {request.Id}");
    }
}
