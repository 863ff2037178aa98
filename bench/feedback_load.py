"""Load on the feedback collector, on loopback and bounded: is anything lost, does memory stay
flat, are the hostile events refused and counted?

    .venv/bin/python bench/feedback_load.py [--rate 200] [--seconds 30] [--clients 100] [--db URL]

Starts `kb feedback serve` (the real command, --forwarded so that each simulated client has its
own address in X-Forwarded-For; --rate 600 a minute and --burst 20 per client) on a fresh
database, then sends --rate events a second for --seconds seconds from --clients clients over
keep-alive connections: nine in ten are good events (searches, votes from the public origin,
agents' reports from the agent origin), one in ten is hostile (too large, not JSON, against the
schema, from another origin, claiming the agent audience from the public site), and one more
client sends 20 events a second, past its rate. Prints what was sent, answered, stored and
refused by reason, the events lost (good events answered 204 but not in the database, or not
answered), and the collector's memory (resident set, sampled each second).

The database is a new SQLite file, or with --db postgresql://... an empty PostgreSQL database
(kb's [postgresql] extra; the server's own memory is not counted).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from generator.feedback.database import is_url, open_store, shown  # noqa: E402 - the repository's kb
PUBLIC, AGENT = "https://311.bench.example", "https://agents.bench.example"


def good(i: int) -> tuple[str, dict]:
    kind = i % 4
    if kind == 0:
        return PUBLIC, {"v": 1, "type": "search", "lang": "en", "query": f"pothole {i}", "results": i % 7,
                        "opened": None if i % 3 else {"kind": "service", "id": "pothole-repair", "rank": 1}}
    if kind == 1:
        return PUBLIC, {"v": 1, "type": "vote", "lang": "es", "page": {"kind": "answer", "id": "potholes"},
                        "helpful": bool(i % 2), "note": "falta el horario <b>" if i % 2 == 0 else ""}
    if kind == 2:
        return AGENT, {"v": 1, "type": "report", "report": "nothing_fits", "lang": "en", "query": f"raccoon {i}",
                       "results": 0, "note": "caller wants the raccoon out of the attic"}
    return AGENT, {"v": 1, "type": "search", "lang": "en", "query": f"missed trash {i}", "results": 3,
                   "opened": {"kind": "service", "id": "missed-pickup", "rank": 2}}


HOSTILE = [  # (origin, body, the reason the collector must give)
    (PUBLIC, b"x" * 10_000, "too_large"),
    (PUBLIC, b"{\"v\": 1, \"type\": ", "not_json"),
    (PUBLIC, json.dumps({"v": 1, "type": "search", "lang": "en", "query": "<script>", "results": -1,
                         "opened": None}).encode(), "invalid"),
    ("https://evil.example", json.dumps(good(0)[1]).encode(), "origin"),
    (PUBLIC, json.dumps({**good(2)[1]}).encode(), "audience"),  # an agent's report from the public site
]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rate", type=float, default=200.0, help="events a second [200]")
    ap.add_argument("--seconds", type=float, default=30.0, help="how long [30]")
    ap.add_argument("--clients", type=int, default=100, help="simulated clients [100]")
    ap.add_argument("--workers", type=int, default=8, help="connections sending at once [8]")
    ap.add_argument("--db", help="an empty postgresql:// database [a new SQLite file]")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="kb-feedback-bench-"))
    db = args.db if args.db and is_url(args.db) else tmp / "feedback.sqlite3"
    if is_url(db):
        store = open_store(db)
        if store.count() or store.refusals():
            sys.exit(f"{shown(db)}: not empty; give an empty database")
        store.close()
    env = {**os.environ, "PYTHONPATH": str(REPO), "KB_FEEDBACK_DB": str(db)}  # a password stays out of ps
    proc = subprocess.Popen([sys.executable, "-m", "generator", "feedback", "serve",
                             "--port", "0", "--public-origin", PUBLIC, "--agent-origin", AGENT,
                             "--forwarded", "--rate", "600", "--burst", "20", "--retention-days", "30"],
                            stderr=subprocess.PIPE, text=True, env=env, cwd=tmp)
    line = proc.stderr.readline()
    port = int(line.split("http://127.0.0.1:", 1)[1].split("/", 1)[0])

    jobs: queue.Queue = queue.Queue()
    answers: Counter = Counter()
    lock = threading.Lock()

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while True:
            job = jobs.get()
            if job is None:
                return
            label, client, origin, body = job
            try:
                conn.request("POST", "/events", body, {"Origin": origin, "Content-Type": "text/plain",
                                                       "X-Forwarded-For": client})
                resp = conn.getresponse()
                resp.read()
                status = resp.status
                if resp.will_close:
                    conn.close()
            except (OSError, http.client.HTTPException):
                conn.close()
                status = "no answer"
            with lock:
                answers[(label, status)] += 1

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(args.workers)]
    for t in threads:
        t.start()
    memory: list[float] = [rss_mb(proc.pid)]
    sent: Counter = Counter()
    rnd = random.Random(311)
    start = time.monotonic()
    total = int(args.rate * args.seconds)
    abusive_every = max(1, int(args.rate / 20))  # the abusive client: 20 events a second
    next_sample = start + 1
    for i in range(total):
        due = start + i / args.rate
        while (now := time.monotonic()) < due:
            time.sleep(min(0.005, due - now))
        if now >= next_sample:
            memory.append(rss_mb(proc.pid))
            next_sample += 1
        client = f"10.0.{rnd.randrange(args.clients) // 256}.{rnd.randrange(256)}"
        if i % 10 == 9:
            origin, body, reason = HOSTILE[(i // 10) % len(HOSTILE)]
            jobs.put((f"hostile:{reason}", client, origin, body))
            sent[f"hostile:{reason}"] += 1
        else:
            origin, event = good(i)
            jobs.put(("good", client, origin, json.dumps(event)))
            sent["good"] += 1
        if i % abusive_every == 0:
            origin, event = good(i)
            jobs.put(("abusive", "192.0.2.66", origin, json.dumps(event)))
            sent["abusive"] += 1
    for _ in threads:
        jobs.put(None)
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    memory.append(rss_mb(proc.pid))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/stats")
    stats = json.loads(conn.getresponse().read())
    conn.close()
    proc.terminate()
    proc.wait(timeout=10)
    store = open_store(db)
    stored, refused = store.count(), store.refusals()
    store.close()
    if is_url(db):
        import psycopg  # the [postgresql] extra, there since the collector used it

        with psycopg.connect(db) as con:
            raw = "\n".join(str(row) for table in ("events", "refused")
                            for row in con.execute(f"SELECT * FROM {table}")).encode()
    else:
        raw = db.read_bytes() + (Path(str(db) + "-wal").read_bytes() if Path(str(db) + "-wal").exists() else b"")

    good_ok = answers[("good", 204)]
    abusive_ok = answers[("abusive", 204)]
    print(f"database: {shown(db)}")
    print(f"sent {sum(sent.values())} events in {elapsed:.1f} s ({sum(sent.values()) / elapsed:.0f}/s): "
          f"{sent['good']} good from {args.clients} clients, {sum(v for k, v in sent.items() if k.startswith('hostile'))} "
          f"hostile, {sent['abusive']} from one client past its rate")
    print("answers:", dict(sorted((f"{k[0]} {k[1]}", v) for k, v in answers.items())))
    print(f"stored {stored}; good events answered 204: {good_ok}, abusive ones let through: {abusive_ok}")
    print(f"lost: {good_ok + abusive_ok - stored} (answered 204 but not stored), "
          f"{sent['good'] - good_ok} good events not accepted")
    print("refused by reason (database):", dict(sorted(refused.items())))
    print("collector counts since start:", stats["since_start"])
    print(f"collector memory (RSS, MB): start {memory[0]:.1f}, peak {max(memory):.1f}, end {memory[-1]:.1f}; "
          f"per second: {' '.join(f'{m:.0f}' for m in memory)}")
    print(f"addresses in the database: {sum(raw.count(a.encode()) for a in ('10.0.', '192.0.2.66', '127.0.0.1'))}")


if __name__ == "__main__":
    main()
