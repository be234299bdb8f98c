"""Idle and slow connections against a running server: open N sockets (a third send nothing, a third half a
header, a third a header that promises a body and sends a little of it), then time /api/v1/health on fresh
connections while they hang on, and finally count how many of them the server has closed.

    python3 idle.py HOST PORT [N] [HOLD_SECONDS]

Prints one line: RESULT open=.. health_ok=.. health_p50_ms=.. health_max_ms=.. closed_by_server=.. after_s=..
"""
import socket
import statistics
import sys
import time

host, port = sys.argv[1], int(sys.argv[2])
n = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
hold = float(sys.argv[4]) if len(sys.argv) > 4 else 20.0

socks = []
for i in range(n):
    try:
        s = socket.create_connection((host, port), timeout=5)
    except OSError as e:
        print(f"note: connection {i} failed: {e}", file=sys.stderr)
        break
    kind = i % 3
    if kind == 1:
        s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n")
    elif kind == 2:
        s.sendall(b"POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"user")
    socks.append(s)


def health():
    t = time.perf_counter()
    try:
        with socket.create_connection((host, port), timeout=5) as c:
            c.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            data = b""
            while True:
                chunk = c.recv(65536)
                if not chunk:
                    break
                data += chunk
        ok = data.startswith(b"HTTP/1.1 200")
    except OSError:
        ok = False
    return ok, (time.perf_counter() - t) * 1000


times, oks = [], 0
for _ in range(20):
    ok, ms = health()
    oks += ok
    times.append(ms)
    time.sleep(0.05)

started = time.time()
time.sleep(hold)
closed = 0
for s in socks:
    s.setblocking(False)
    try:
        if s.recv(1 << 16) == b"":
            closed += 1
        else:
            closed += 1  # the server answered (e.g. a 408) and will close
    except BlockingIOError:
        pass
    except OSError:
        closed += 1
    s.close()
print(
    f"RESULT open={len(socks)} health_ok={oks}/20 health_p50_ms={statistics.median(times):.1f} "
    f"health_max_ms={max(times):.1f} closed_by_server={closed} after_s={time.time() - started:.0f}"
)
