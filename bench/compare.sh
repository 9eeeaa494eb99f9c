#!/usr/bin/env bash
# Whole-process comparison: apix send (with and without the history write: apix-nh = --no-history) vs curl (and xh, slumber, atac, posting when installed) fetching bodies
# from the apix demo server on 127.0.0.1, output to a pipe. Prints median wall time and peak memory (max RSS).
# Usage: bench/compare.sh [RUNS]   (default 15 runs per tool and size; builds apix in release mode first)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-15}"
[ -n "${SKIP_BUILD:-}" ] || cargo build --release --quiet
APIX="${APIX_BIN:-$PWD/target/release/apix}"
# A history of its own, so the figures do not depend on (or add to) the user's.
APIX_DATA_DIR="$(mktemp -d)"
export APIX_DATA_DIR
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$APIX" demo-server --port "$PORT" >/dev/null &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$APIX_DATA_DIR"' EXIT
for _ in $(seq 50); do curl -s "http://127.0.0.1:$PORT/" >/dev/null 2>&1 && break; sleep 0.1; done
BASE="http://127.0.0.1:$PORT"

python3 - "$RUNS" "$BASE" "$APIX" <<'PY'
import os, resource, shutil, statistics, subprocess, sys, time
runs, base, apix = int(sys.argv[1]), sys.argv[2], sys.argv[3]
sizes = [("1 KB", "/large?size=1000&shape=minified"), ("20 MB", "/large?size=20MB&shape=minified")]
tools = [("apix", lambda u: [apix, "send", u]), ("apix-nh", lambda u: [apix, "send", "--no-history", u]), ("curl", lambda u: ["curl", "-s", u])]
if shutil.which("xh"): tools.append(("xh", lambda u: ["xh", "--ignore-stdin", "--body", u]))
# slumber, atac and posting are TUIs without a one-shot "fetch to stdout" mode comparable to this; listed if found.
others = [t for t in ("slumber", "atac", "posting") if shutil.which(t)]

def run(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        total = 0
        while True:
            chunk = p.stdout.read(1 << 16)
            if not chunk: break
            total += len(chunk)
        p.wait()
    wall = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB, max over all children so far
    return wall, total, rss

print(f"{'tool':8} {'body':6} {'median wall':>12} {'min wall':>10} {'bytes':>10} {'peak RSS':>10}  (runs={runs})")
for label, path in sizes:
    url = base + path
    walls = {name: [] for name, _ in tools}
    sizes_seen = {}
    # Interleaved: each round runs every tool once, so a machine that gets busier or quieter during the run
    # affects all of them alike. The first round warms caches and is not counted.
    for i in range(runs + 1):
        for name, mk in tools:
            w, n, _ = run(mk(url))
            sizes_seen[name] = n
            if i > 0: walls[name].append(w)
    rows = {}
    for name, mk in tools:
        # Peak RSS per tool: measured in a fresh Python child so ru_maxrss is not shared between tools.
        r = subprocess.run([sys.executable, "-c", f"""
import resource, subprocess, os
subprocess.run({mk(url)!r}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"""], capture_output=True, text=True)
        peak = int(r.stdout.strip() or 0)
        med = statistics.median(walls[name])
        rows[name] = med
        print(f"{name:8} {label:6} {med*1000:10.1f} ms {min(walls[name])*1000:8.1f} ms {sizes_seen[name]:10d} {peak/1024:8.1f} MB")
    if "curl" in rows:
        print(f"         apix / curl = {rows['apix']/rows['curl']:.2f}x   (without history: {rows['apix-nh']/rows['curl']:.2f}x)")
if others:
    print("installed but not comparable one-shot:", ", ".join(others))
PY
