"""Load check for the web dashboard: N concurrent clients against the diagnosis page on loopback.

Builds a fresh shipped atlas, starts ``uvicorn`` with the app in a subprocess on 127.0.0.1, runs
``--clients`` threads (keep-alive HTTP/1.1 connections) for ``--seconds`` and prints the latency
percentiles and the error count. Goal: p95 < 200 ms with 20 clients and 0 errors.

    .venv/bin/python bench/bench_web.py                 # 20 clients, 60 s
    .venv/bin/python bench/bench_web.py --seconds 10    # a quick look
    .venv/bin/python bench/bench_web.py --distinct      # every request renders the page afresh
"""

from __future__ import annotations

import argparse
import http.client
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

SERVER = ("import sys, uvicorn; from pathlib import Path; from chainatlas.web.app import create_app; "
          "uvicorn.run(create_app(Path(sys.argv[1])), host='127.0.0.1', port=int(sys.argv[2]), "
          "log_level='warning')")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(conn: http.client.HTTPConnection, path: str) -> int:
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    return response.status


def wait_ready(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            get(conn, "/static/app-1.css")
            conn.close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the server did not answer on port {port} within {timeout:.0f} s")


def client(port: int, path: str, stop: float, latencies: list[float], errors: list[str], distinct: bool) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.monotonic() < stop:
        start = time.perf_counter()
        target = f"{path}?run={threading.get_ident()}-{len(latencies)}-{start}" if distinct else path
        try:
            status = get(conn, target)
        except (OSError, http.client.HTTPException) as exc:
            errors.append(repr(exc))
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        elapsed = time.perf_counter() - start
        if status != 200:
            errors.append(f"HTTP {status}")
        else:
            latencies.append(elapsed)
    conn.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the clients run (default 60)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
    parser.add_argument("--path", default="/regions/371600/chains/aluminium", help="page to request")
    parser.add_argument("--distinct", action="store_true",
                        help="give every request its own URL, so no rendered page is reused (the facade's answers "
                             "still are): measures rendering under load")
    parser.add_argument("--db", type=Path, default=None, help="use this store instead of a fresh shipped atlas")
    args = parser.parse_args()

    from chainatlas import open_atlas

    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            db = Path(tmp) / "atlas.duckdb"
            t0 = time.perf_counter()
            open_atlas(db).close()
            print(f"built the shipped atlas in {time.perf_counter() - t0:.1f} s")
        port = free_port()
        server = subprocess.Popen([sys.executable, "-c", SERVER, str(db), str(port)])
        try:
            wait_ready(port)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            t0 = time.perf_counter()
            status = get(conn, args.path)
            cold = time.perf_counter() - t0
            conn.close()
            if status != 200:
                raise RuntimeError(f"{args.path} answered HTTP {status}")
            latencies: list[float] = []
            errors: list[str] = []
            stop = time.monotonic() + args.seconds
            threads = [threading.Thread(target=client, args=(port, args.path, stop, latencies, errors,
                                                                 args.distinct))
                       for _ in range(args.clients)]
            t0 = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - t0
        finally:
            server.terminate()
            server.wait(timeout=10)

    ms = [v * 1000 for v in latencies]
    print(f"GET {args.path}{' (a distinct URL per request)' if args.distinct else ''}: {args.clients} clients for {args.seconds:.0f} s on 127.0.0.1 (uvicorn, 1 process)")
    print(f"first (cold) request: {cold * 1000:.0f} ms")
    if ms:
        print(f"requests: {len(ms)} ok, {len(ms) / wall:.0f} req/s")
        print(f"latency p50 {percentile(ms, 50):.1f} ms, p95 {percentile(ms, 95):.1f} ms, "
              f"p99 {percentile(ms, 99):.1f} ms, max {max(ms):.1f} ms, mean {statistics.fmean(ms):.1f} ms")
    print(f"errors: {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))
    goal = bool(ms) and percentile(ms, 95) < 200 and not errors
    print("goal p95 < 200 ms and 0 errors: " + ("met" if goal else "NOT met"))


if __name__ == "__main__":
    main()
