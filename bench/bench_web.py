"""Load check for the web dashboard on loopback: cached pages, cold pages, and cached pages amid uncached ones.

Builds a fresh shipped atlas, starts ``uvicorn`` with the app in a subprocess on 127.0.0.1 and runs
three scenarios of ``--seconds`` each with keep-alive HTTP/1.1 clients (threads):

1. ``--clients`` (20) clients asking one cached page. Goal: p95 < 200 ms, 0 errors.
2. cold: ``--clients`` (20) clients, every request a diagnosis page never asked before (a new
   prefecture × chain each time, consecutive requests on different prefectures and chains, so no
   page or diagnosis is reused; what is computed once per atlas load, such as a chain's facts, is).
   A client refused with 503 honours ``Retry-After`` and asks again; its latency runs from the first
   ask to the answer. Goal: p95 < 200 ms. The server warms each chain's facts and leaders in the
   background from the start, as ``chainatlas serve`` does (``--no-warm``: it does not).
3. ``--mixed-clients`` (100) clients asking questions never asked before (a new region × chain
   diagnosis each time; they honour ``Retry-After`` when refused with 503) while ``--probes`` (10)
   people browse cached pages and static files (a page every ``--think`` s). Goal: p95 of the cached
   answers < 50 ms, 0 errors among them.

    .venv/bin/python bench/bench_web.py                 # both, 60 s each
    .venv/bin/python bench/bench_web.py --seconds 10    # a quick look
    .venv/bin/python bench/bench_web.py --distinct      # scenario 1 renders the page afresh each time
    .venv/bin/python bench/bench_web.py --only cold --seconds 20
    .venv/bin/python bench/bench_web.py --profile       # CPU and cProfile of cold pages, in process
"""

from __future__ import annotations

import argparse
import http.client
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

SERVER = ("import sys, uvicorn; from pathlib import Path; from chainatlas.web.app import create_app; "
          "uvicorn.run(create_app(Path(sys.argv[1]), host='127.0.0.1', warm=sys.argv[3] == 'warm'), host='127.0.0.1', "
          "port=int(sys.argv[2]), log_level='error')")
CACHED = ["/", "/chains/aluminium", "/regions/371600/chains/aluminium", "/regions/371600.json", "/static/app-1.css"]



def run_threads(threads: list[threading.Thread]) -> float:
    """Start every client thread, wait for all of them; the wall time in seconds."""
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(conn: http.client.HTTPConnection, path: str) -> int:
    return fetch(conn, path)[0]


def fetch(conn: http.client.HTTPConnection, path: str) -> tuple[int, str | None]:
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    return response.status, response.getheader("retry-after")


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


def cached_client(port: int, stop: float, latencies: list[float], errors: list[str], seed: int,
                  think: float = 0.0) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    k = seed
    while time.monotonic() < stop:
        path = CACHED[k % len(CACHED)]
        k += 1
        start = time.perf_counter()
        try:
            status = get(conn, path)
        except (OSError, http.client.HTTPException) as exc:
            errors.append(repr(exc))
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        if status == 200:
            latencies.append(time.perf_counter() - start)
        else:
            errors.append(f"HTTP {status} for {path}")
        time.sleep(think)
    conn.close()


def uncached_client(port: int, stop: float, questions: list[str], lock: threading.Lock, done: list[float],
                    refused: list[int], errors: list[str]) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while time.monotonic() < stop:
        with lock:
            if not questions:
                return
            path = questions.pop()
        start = time.perf_counter()
        try:
            status, retry = fetch(conn, path)
        except (OSError, http.client.HTTPException) as exc:
            errors.append(repr(exc))
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            continue
        if status == 503:
            refused.append(1)
            with lock:
                questions.insert(0, path)  # asked again later, as a browser would after Retry-After
            time.sleep(min(float(retry or 1), max(0.0, stop - time.monotonic())))
        elif status == 200:
            done.append(time.perf_counter() - start)
        else:
            errors.append(f"HTTP {status} for {path}")
    conn.close()


def cold_questions(db: Path) -> list[str]:
    """Every prefecture × chain diagnosis page, interleaved so neighbours differ in prefecture and chain."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    codes = [r[0] for r in con.execute("SELECT code FROM regions WHERE level = 'prefecture' ORDER BY code").fetchall()]
    chains = [r[0] for r in con.execute("SELECT id FROM chains ORDER BY id").fetchall()]
    con.close()
    # every pair once, in a fixed shuffled order: neighbours (asked at the same time) differ
    out = [f"/regions/{c}/chains/{ch}" for c in codes for ch in chains]
    random.Random(0).shuffle(out)
    out = [q for q in out if q not in CACHED]
    return out


def cold_client(port: int, stop: float, questions: list[str], lock: threading.Lock, done: list[float],
                served: list[float], refused: list[int], errors: list[str]) -> None:
    """Ask new questions in turn; a 503 is asked again after ``Retry-After`` and counts in the latency."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    while time.monotonic() < stop:
        with lock:
            if not questions:
                return
            path = questions.pop(0)
        first = time.perf_counter()
        while True:
            start = time.perf_counter()
            try:
                status, retry = fetch(conn, path)
            except (OSError, http.client.HTTPException) as exc:
                errors.append(repr(exc))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                break
            if status == 503:
                refused.append(1)
                time.sleep(float(retry or 1))
                continue
            if status == 200:
                served.append(time.perf_counter() - start)
                done.append(time.perf_counter() - first)
            else:
                errors.append(f"HTTP {status} for {path}")
            break
    conn.close()


def cold(port: int, db: Path, clients: int, seconds: float) -> None:
    """``clients`` ask diagnosis pages never asked before; every answer is computed afresh."""
    questions = cold_questions(db)
    # a chain's facts are computed once per atlas load (the first page of each chain): done before timing
    chains = list(dict.fromkeys(q.rsplit("/", 1)[1] for q in questions))
    warm = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    t0 = time.perf_counter()
    for ch in chains:
        path = next(q for q in questions if q.endswith("/" + ch))
        questions.remove(path)
        get(warm, path)
    warm.close()
    print(f"\nfirst page of each of {len(chains)} chains (computes its facts once): "
          f"{(time.perf_counter() - t0) * 1000 / len(chains):.0f} ms each")
    lock = threading.Lock()
    done: list[float] = []
    served: list[float] = []
    refused: list[int] = []
    errors: list[str] = []
    stop = time.monotonic() + seconds
    threads = [threading.Thread(target=cold_client, args=(port, stop, questions, lock, done, served, refused, errors))
               for _ in range(clients)]
    wall = run_threads(threads)
    print(f"cold: {clients} clients for {wall:.0f} s, each request a new prefecture × chain diagnosis page")
    if done:
        ms = [v * 1000 for v in done]
        own = [v * 1000 for v in served]
        print(f"answered: {len(done)} ({len(done) / wall:.1f} req/s); latency from first ask p50 "
              f"{percentile(ms, 50):.0f} ms, p95 {percentile(ms, 95):.0f} ms, max {max(ms):.0f} ms; "
              f"the answering request alone p50 {percentile(own, 50):.0f} ms, p95 {percentile(own, 95):.0f} ms")
    print(f"refused with 503 + Retry-After (asked again): {len(refused)}; errors: {len(errors)}"
          + (f" (first: {errors[0]})" if errors else ""))
    goal = bool(done) and percentile([v * 1000 for v in done], 95) < 200 and not errors
    print("goal p95 < 200 ms (from first ask) and 0 errors: " + ("met" if goal else "NOT met"))


def mixed(port: int, db: Path, clients: int, seconds: float, probes: int, think: float) -> None:
    """``clients`` ask new questions while ``probes`` browse cached pages; the cached answers' latency is the point."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    codes = [r[0] for r in con.execute("SELECT code FROM regions WHERE level = 'prefecture' ORDER BY code").fetchall()]
    chains = [r[0] for r in con.execute("SELECT id FROM chains ORDER BY id").fetchall()]
    con.close()
    questions = [f"/regions/{c}/chains/{ch}" for ch in chains for c in codes]
    questions = [q for q in questions if q not in CACHED]
    warm = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for path in CACHED:
        get(warm, path)
    warm.close()
    lock = threading.Lock()
    cached_ms: list[float] = []
    done: list[float] = []
    refused: list[int] = []
    cached_errors: list[str] = []
    other_errors: list[str] = []
    stop = time.monotonic() + seconds
    threads = [threading.Thread(target=uncached_client, args=(port, stop, questions, lock, done, refused, other_errors))
               for _ in range(clients)]
    threads += [threading.Thread(target=cached_client, args=(port, stop, cached_ms, cached_errors, i, think))
                for i in range(probes)]
    wall = run_threads(threads)
    ms = [v * 1000 for v in cached_ms]
    print(f"\nmixed: {clients} clients asking new region × chain diagnoses for {seconds:.0f} s while {probes} "
          f"browse cached pages and static files (one every {think * 1000:.0f} ms each)")
    if done:
        slow = [v * 1000 for v in done]
        print(f"new questions: {len(done)} answered ({len(done) / wall:.1f}/s, p50 {percentile(slow, 50):.0f} ms, "
              f"p95 {percentile(slow, 95):.0f} ms), {len(refused)} refused with 503 + Retry-After, "
              f"{len(other_errors)} errors")
    if ms:
        print(f"cached answers: {len(ms)} ok, {len(ms) / wall:.0f} req/s; latency p50 {percentile(ms, 50):.1f} ms, "
              f"p95 {percentile(ms, 95):.1f} ms, p99 {percentile(ms, 99):.1f} ms, max {max(ms):.1f} ms")
    print(f"cached errors: {len(cached_errors)}" + (f" (first: {cached_errors[0]})" if cached_errors else ""))
    goal = bool(ms) and percentile(ms, 95) < 50 and not cached_errors
    print("goal p95 of cached answers < 50 ms with 0 errors: " + ("met" if goal else "NOT met"))


def profile_cold_page(db: Path, pages: int = 20, top: int = 25) -> None:
    """In process, no server: CPU per cold diagnosis page, and cProfile of ``pages`` of them (chain facts
    and leaders computed first, as the server's warming does)."""
    import cProfile
    import pstats
    import random

    from chainatlas.web.app import create_app, render_get

    app = create_app(db)
    reader = app.state.reader

    async def inline(compute):  # the page computed in this thread, so the profiler sees it
        return compute()

    reader.pool.run = inline
    questions = cold_questions(db)
    random.Random(1).shuffle(questions)
    chains = list(dict.fromkeys(q.rsplit("/", 1)[1] for q in questions))
    t0 = time.process_time()
    for ch in chains:
        reader.call(lambda a, ch=ch: (a.chain_facts(ch), a.compare(ch, level="prefecture")))
    print(f"chain facts and prefecture leaders of {len(chains)} chains: {time.process_time() - t0:.1f} s CPU")
    cpu = []
    for path in questions[:pages]:
        t = time.process_time()
        render_get(app, path)
        cpu.append((time.process_time() - t) * 1000)
    print(f"cold diagnosis page, CPU: p50 {percentile(cpu, 50):.0f} ms, p95 {percentile(cpu, 95):.0f} ms "
          f"({pages} pages)")
    profiler = cProfile.Profile()
    profiler.enable()
    for path in questions[pages:2 * pages]:
        render_get(app, path)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(r"chainatlas|jinja2/environment", top)


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
    parser.add_argument("--mixed-clients", type=int, default=100, help="clients in the mixed scenario (default 100)")
    parser.add_argument("--probes", type=int, default=10, help="people browsing cached pages meanwhile (default 10)")
    parser.add_argument("--think", type=float, default=0.1, help="seconds between a browsing person's pages")
    parser.add_argument("--no-warm", action="store_true",
                        help="start the server without warming chain facts and leaders in the background")
    parser.add_argument("--profile", action="store_true",
                        help="no server: CPU per cold diagnosis page in process, and its cProfile")
    parser.add_argument("--only", choices=("cached", "cold", "mixed"), default=None, help="run one scenario only")
    args = parser.parse_args()

    from chainatlas import open_atlas

    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            db = Path(tmp) / "atlas.duckdb"
            t0 = time.perf_counter()
            open_atlas(db).close()
            print(f"built the shipped atlas in {time.perf_counter() - t0:.1f} s")
        if args.profile:
            profile_cold_page(db)
            return
        port = free_port()
        # the server logs each 503 in one line; the bench counts them itself
        server = subprocess.Popen([sys.executable, "-c", SERVER, str(db), str(port),
                                   "cold-start" if args.no_warm else "warm"], stderr=subprocess.DEVNULL)
        try:
            wait_ready(port)
            if args.only in (None, "cached"):
                cached_scenario(port, args)
            if args.only in (None, "cold"):
                cold(port, db, args.clients, args.seconds)
            if args.only in (None, "mixed"):
                mixed(port, db, args.mixed_clients, args.seconds, args.probes, args.think)
        finally:
            server.terminate()
            server.wait(timeout=10)


def cached_scenario(port: int, args: argparse.Namespace) -> None:
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
    threads = [threading.Thread(target=client, args=(port, args.path, stop, latencies, errors, args.distinct))
               for _ in range(args.clients)]
    wall = run_threads(threads)
    ms = [v * 1000 for v in latencies]
    print(f"GET {args.path}{' (a distinct URL per request)' if args.distinct else ''}: {args.clients} clients for "
          f"{args.seconds:.0f} s on 127.0.0.1 (uvicorn, 1 process)")
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
