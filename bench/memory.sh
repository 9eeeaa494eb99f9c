#!/usr/bin/env bash
# Peak memory and key-press-to-frame latency of the response viewer while it receives and formats a 100 MB JSON
# body (issue #4). Runs the headless app (examples/viewer_load.rs: the real App on a 120x32 TestBackend, a loop
# shaped like the terminal one, a key injected every 20 ms) against `apix demo-server` in a separate process, so
# the server's own memory and CPU are not counted in the app's figures.
# Usage: bench/memory.sh [SIZE ...]   (default: 100MB; each size is fetched pretty and minified)
# Targets: peak RSS <= 2x the body size; key->frame <= 50 ms (max) throughout download and formatting.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=("${@:-100MB}")
cargo build --release --quiet --bin apix --example viewer_load
APIX="$PWD/target/release/apix"
LOAD="$PWD/target/release/examples/viewer_load"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$APIX" demo-server --port "$PORT" >/dev/null &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -s "http://127.0.0.1:$PORT/" >/dev/null 2>&1 && break; sleep 0.1; done
export APIX_CACHE_DIR
APIX_CACHE_DIR=$(mktemp -d)
for size in "${SIZES[@]}"; do
  for shape in pretty minified; do
    echo "== $size $shape =="
    "$LOAD" "http://127.0.0.1:$PORT/large?size=$size&shape=$shape"
    echo
  done
done
rm -rf "$APIX_CACHE_DIR"
