"""Errors come back with their documented codes (docs/protocol.md section 8) against the real server."""
from __future__ import annotations

import asyncio

import pytest
from conftest import run

import marketfeed as mf


def test_unknown_symbol_is_a_404_on_the_ack(server):
    async def body():
        async with mf.MarketFeedClient(server.url) as client:
            ack = await client.subscribe(["AAPL", "NOSUCH"], mode="conflated")
            assert [s.symbol for s in ack.symbols] == ["AAPL"]
            [error] = ack.errors
            assert (error.code, error.code_name, error.symbol) == (404, "unknown_symbol", "NOSUCH")
            ack = await client.subscribe(["NOSUCH"])
            assert ack.symbols == [] and ack.errors[0].code == mf.ErrorCode.UNKNOWN_SYMBOL

    run(body())


@pytest.mark.parametrize("call, code, name", [
    (lambda c: c.replay("no-such-dataset", speed="max"), 410, "unknown_dataset"),
    (lambda c: c.replay_pause(424242), 409, "conflict"),
    (lambda c: c.subscribe(["AAPL"], mode="fast"), 400, "bad_request"),
    (lambda c: c.subscribe(["AAPL"], throttle=-1), 400, "bad_request"),
    (lambda c: c.request({"op": "frobnicate"}), 405, "unknown_op"),
])
def test_rejected_requests_raise_with_their_code(server, call, code, name):
    async def body():
        async with mf.MarketFeedClient(server.url) as client:
            with pytest.raises(mf.MarketFeedError) as raised:
                await call(client)
            assert (raised.value.code, raised.value.code_name) == (code, name)
            assert await client.ping() >= 0  # an error never closes the connection

    run(body())


def test_second_replay_on_a_connection_is_409(server):
    async def body():
        async with mf.MarketFeedClient(server.url) as client:
            start = await client.replay("sample-equities", speed=1)
            with pytest.raises(mf.MarketFeedError) as raised:
                await client.replay("sample-equities", speed=1)
            assert raised.value.code == mf.ErrorCode.CONFLICT
            assert (await client.replay_stop(start.replay_id)).reason == "stopped"

    run(body())


def test_oversized_control_message_closes_with_1009_and_no_reconnect(server):
    async def body():
        client = mf.MarketFeedClient(server.url, reconnect=True)
        await client.connect()
        limit = client.welcome["maxControlMessageBytes"]
        with pytest.raises((mf.MarketFeedError, mf.MarketFeedConnectionError)):
            await client.subscribe(["X" * 50] * (limit // 50 + 10))
        while True:
            m = await client.recv(timeout=10)
            if isinstance(m, mf.Disconnected):
                break
        assert m.close_code == mf.CloseCode.MESSAGE_TOO_BIG and not m.will_reconnect
        with pytest.raises(mf.MarketFeedConnectionError):
            while True:
                await client.recv(timeout=5)  # the stream ends: the client does not reconnect after 1009
        assert client.state == "closed"
        await client.close()

    run(body())


def test_connect_to_nothing_raises_connection_error():
    async def body():
        from conftest import free_port

        with pytest.raises(mf.MarketFeedConnectionError):
            await mf.MarketFeedClient(f"ws://127.0.0.1:{free_port()}/ws/v1", connect_timeout=5).connect()

    run(body())


def test_replay_of_symbols_the_dataset_lacks_is_one_404_listing_them(server):
    async def body():
        async with mf.MarketFeedClient(server.url) as client:
            with pytest.raises(mf.MarketFeedError) as raised:
                await client.replay("sample-equities", ["AAPL", "NOPE1", "NOPE2"], speed="max")
            error = raised.value
            assert (error.code, error.code_name, error.symbol, error.symbols) == (404, "unknown_symbol", "NOPE1", ["NOPE1", "NOPE2"])
            assert await client.ping() >= 0

    run(body())
