#!/usr/bin/env python3
"""Soak: N citizen sessions through the real core (`dost-kiosk burn-in`: simulated reader and
printer, receipts printed, SQLite) syncing to a local `dost-central` over HTTP; then the outbox
is drained. Reports, from the burn-in's --timings lines and the files left behind:

* resident memory: median of the first block after warm-up against the last block, growth;
* submit -> durable (Submit to the Done screen, the application in SQLite): p50/p99 per block
  of sessions and over the whole run, and the drift (last block's p99 over the first's);
* database and log size per session, and what the purge of confirmed personal data leaves
  (the kiosk's purge statements applied to a copy, then VACUUM).

Writes target/bench/soak.json. Used by scripts/bench-soak.sh.
"""
import argparse, json, os, shutil, socket, sqlite3, statistics, subprocess, sys, tempfile, time


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, round((len(v) - 1) * p))] if v else None


def wait_port(port, limit=30):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"dost-central did not listen on {port}")


def purged_size(db, work):
    """Size of the database once everything confirmed is purged and the file vacuumed: the
    statements of the kiosk's purge (src/store/applications.rs, purge_confirmed) with the
    cut-off at the end of the run."""
    copy = os.path.join(work, "purged.db")
    src = sqlite3.connect(db)
    dst = sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.execute("UPDATE applications SET payload = NULL WHERE sync_state = 'synced'")
    dst.execute("DELETE FROM print_jobs WHERE state IN ('printed', 'not_taken')")
    dst.execute("DELETE FROM ratings WHERE synced = 1")
    dst.commit()
    dst.execute("VACUUM")
    dst.close()
    return os.path.getsize(copy)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kiosk", required=True)
    ap.add_argument("--central", required=True, help="the dost-central binary")
    ap.add_argument("--config", required=True)
    ap.add_argument("--sessions", type=int, default=10000)
    ap.add_argument("--block", type=int, default=1000, help="sessions per reporting block")
    ap.add_argument("--out", default="target/bench/soak.json")
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="bench-soak-")
    data, central_db = os.path.join(work, "kiosk"), os.path.join(work, "central.db")
    timings, log = os.path.join(work, "timings.jsonl"), os.path.join(work, "kiosk.log")
    port = free_port()
    central = subprocess.Popen([args.central, "serve", "--listen", f"127.0.0.1:{port}", "--db", central_db,
                                "--timeline", "fast"],
                               stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "central.log"), "w"))
    try:
        wait_port(port)
        t0 = time.monotonic()
        with open(log, "w") as logf:
            run = subprocess.run([args.kiosk, "--config", args.config, "--data-dir", data, "burn-in",
                                  "--sessions", str(args.sessions), "--central", f"http://127.0.0.1:{port}",
                                  "--wait-sync", "600", "--timings", timings],
                                 stdout=subprocess.DEVNULL, stderr=logf, env=dict(os.environ, DOST_LOG="info"))
        wall = time.monotonic() - t0
        if run.returncode != 0:
            sys.stderr.write(open(log).read()[-3000:])
            raise SystemExit(f"burn-in exited {run.returncode}")
    finally:
        central.terminate()
        central.wait(10)
    rows = [json.loads(l) for l in open(timings)]
    submit = [r["submit_ms"] for r in rows if r.get("submit_ms") is not None]
    rss = [r["rss_kb"] for r in rows if r.get("rss_kb")]
    blocks = []
    for start in range(0, len(rows), args.block):
        b = rows[start:start + args.block]
        s = [r["submit_ms"] for r in b if r.get("submit_ms") is not None]
        m = [r["rss_kb"] for r in b if r.get("rss_kb")]
        blocks.append({"sessions": f"{start}-{start + len(b) - 1}", "submit_p50_ms": pct(s, 0.5),
                       "submit_p99_ms": pct(s, 0.99), "rss_median_mb": round(statistics.median(m) / 1024, 1)})
    db = os.path.join(data, "kiosk.db")
    if not os.path.exists(db):
        cands = [os.path.join(data, f) for f in os.listdir(data) if f.endswith(".db")]
        db = cands[0] if cands else db
    db_size = os.path.getsize(db) + sum(os.path.getsize(db + ext) for ext in ("-wal",) if os.path.exists(db + ext))
    n = len(rows)
    # Warm-up: the first block fills caches and pools; growth is measured from its end.
    first, last = blocks[1] if len(blocks) > 2 else blocks[0], blocks[-1]
    result = {
        "sessions": n, "wall_s": round(wall, 1), "sessions_per_s": round(n / wall, 1),
        "submit_ms": {"p50": pct(submit, 0.5), "p99": pct(submit, 0.99), "max": max(submit)},
        "submit_p99_drift": round(last["submit_p99_ms"] / first["submit_p99_ms"], 2),
        "rss_mb": {"after_warmup": first["rss_median_mb"], "end": last["rss_median_mb"],
                   "growth": round(last["rss_median_mb"] - first["rss_median_mb"], 1),
                   "max": round(max(rss) / 1024, 1)},
        "db_bytes": db_size, "db_bytes_per_session": round(db_size / n),
        "db_bytes_after_purge": purged_size(db, work),
        "log_bytes": os.path.getsize(log), "log_bytes_per_session": round(os.path.getsize(log) / n),
        "blocks": blocks,
    }
    result["db_bytes_per_session_after_purge"] = round(result["db_bytes_after_purge"] / n)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    json.dump(result, open(args.out, "w"), indent=1)
    shutil.rmtree(work, ignore_errors=True)
    print(json.dumps({k: v for k, v in result.items() if k != "blocks"}, indent=1))
    for b in blocks:
        print(b)


if __name__ == "__main__":
    main()
