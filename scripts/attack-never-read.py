#!/usr/bin/env python3
"""The issue-13 attack: clients that send big subscribes and never read.

    python3 scripts/attack-never-read.py HOST PORT SERVER_PID [clients] [seconds]

Each client opens a WebSocket with a 4 KB receive buffer, reads nothing, and sends as fast as it
can, alternating a subscribe of 7,000 unknown symbols (~56 KB of JSON, under the 64 KB control
message limit) and a full-mode subscribe of every symbol of /api/symbols. Prints the server's
RSS every second and how each client ended. Standard library only.
"""
import json, os, socket, struct, sys, threading, time, urllib.request

host, port, pid = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
clients = int(sys.argv[4]) if len(sys.argv) > 4 else 3
seconds = float(sys.argv[5]) if len(sys.argv) > 5 else 6

symbols = [s["symbol"] for s in json.load(urllib.request.urlopen(f"http://{host}:{port}/api/symbols"))]
unknown = json.dumps({"op": "subscribe", "id": 1, "symbols": [f"Z{i}" for i in range(7000)]}).encode()
full = json.dumps({"op": "subscribe", "id": 2, "mode": "full", "symbols": symbols}).encode()

def frame(payload):
    n = len(payload)
    head = bytes([0x81]) + (bytes([0x80 | n]) if n < 126 else bytes([0x80 | 126]) + struct.pack(">H", n) if n < 65536 else bytes([0x80 | 127]) + struct.pack(">Q", n))
    return head + b"\0\0\0\0" + payload  # zero mask key

def rss():
    with open(f"/proc/{pid}/status") as f:
        return next(int(l.split()[1]) // 1024 for l in f if l.startswith("VmRSS"))

results = {}
def attacker(i):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096); s.connect((host, port))
    s.sendall(f"GET /ws/v1 HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n".encode())
    sent, end = 0, time.time() + seconds
    try:
        while time.time() < end:
            s.sendall(frame(unknown if sent % 2 == 0 else full)); sent += 1
        results[i] = f"still open after {sent} messages"
    except OSError as e:
        results[i] = f"closed by the server after {sent} messages ({e.__class__.__name__})"
    finally:
        s.close()

print(f"RSS before: {rss()} MB")
threads = [threading.Thread(target=attacker, args=(i,)) for i in range(clients)]
for t in threads: t.start()
peak = 0
for sec in range(int(seconds) + 2):
    time.sleep(1); r = rss(); peak = max(peak, r); print(f"t={sec + 1}s RSS {r} MB")
for t in threads: t.join()
for i in sorted(results): print(f"client {i}: {results[i]}")
print(f"peak RSS {peak} MB")
