"""A tick log reader written from docs/tick-log.md for the tests (independent of the server's TickLogReader)."""
from __future__ import annotations

import struct
import zlib

import msgpack

BLOCK_HEADER = struct.Struct("<4sHHIIIIqqI")  # 44 bytes


def read_tick_log(path):
    """Returns (symbols [(name, priceDecimals, sizeDecimals)], ticks [dict]) with every CRC checked."""
    data = open(path, "rb").read()
    assert data[:8] == b"MFTICKLG", "bad magic"
    version, _flags, body_len = struct.unpack_from("<HHI", data, 8)
    assert version == 1
    body = data[16:16 + body_len]
    assert zlib.crc32(body) == struct.unpack_from("<I", data, 16 + body_len)[0], "header CRC"
    header = msgpack.unpackb(body, raw=False)
    symbols = [(s[0], s[1], s[2]) for s in header[2]]
    ticks = []
    offset = 16 + body_len + 4
    while offset + BLOCK_HEADER.size <= len(data) and data[offset:offset + 4] == b"MFB1":
        magic, flags, _r, length, _raw, count, crc, min_ts, _max_ts, header_crc = BLOCK_HEADER.unpack_from(data, offset)
        assert zlib.crc32(data[offset:offset + 40]) == header_crc, f"block header CRC at {offset}"
        assert flags == 0
        payload = data[offset + 44:offset + 44 + length]
        assert zlib.crc32(payload) == crc, f"payload CRC at {offset}"
        ts = min_ts
        first = True
        unpacker = msgpack.Unpacker(raw=False)
        unpacker.feed(payload)
        n = 0
        for t in unpacker:
            sid, kind, side, tflags, seq, delta, recv_delta, a, b, c, d = t[:11]
            ts = (min_ts if first else ts) + delta
            first = False
            name, pd, sd = symbols[sid]
            ticks.append({"symbol": name, "kind": "Q" if kind == 1 else "T", "side": side, "flags": tflags, "seq": seq,
                          "ts": ts, "a": a, "b": b, "c": c, "d": d, "pd": pd, "sd": sd})
            n += 1
        assert n == count, f"block at {offset}: {n} ticks, header says {count}"
        offset += 44 + length
    return symbols, ticks
