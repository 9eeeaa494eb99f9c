#!/usr/bin/env bash
# Opens the TUI (release build) in tmux on a generated workspace of 5,000 requests in 300 folders and reports the
# time to the first frame (polling capture-pane every 5 ms, so it includes shell start-up) and the idle memory
# (VmRSS / VmHWM after 2 s). Targets: first interactive frame <= 150 ms, idle memory <= 20 MB. Needs tmux.
# APIX_BIN=path measures another build (an older one, to compare side by side).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${SKIP_BUILD:-}" ] || cargo build --release --quiet
WS=$(mktemp -d)
DATA=$(mktemp -d)
trap 'rm -rf "$WS" "$DATA"; tmux -L apix-bench kill-server 2>/dev/null || true' EXIT
python3 - "$WS" "$DATA" "${APIX_BIN:-$PWD/target/release/apix}" <<'PY'
import os, subprocess, sys, time
ws, data, apix = sys.argv[1:4]
root = os.path.join(ws, "big")
os.makedirs(root + "/environments")
open(root + "/collection.toml", "w").write('name = "Big"\n[vars]\nbase_url = "http://127.0.0.1:1"\n[headers]\nAccept = "application/json"\n')
open(root + "/environments/local.toml", "w").write('user_id = "1"\n')
for f in range(300):
    d = f"{root}/area-{f % 20:02}/folder-{f:03}"
    os.makedirs(d, exist_ok=True)
    if f % 3 == 0:
        open(d + "/folder.toml", "w").write(f'name = "Folder {f}"\n[vars]\nversion = "v{f}"\n')
for r in range(5000):
    f = r % 300
    d = f"{root}/area-{f % 20:02}/folder-{f:03}"
    m = ["GET", "POST", "PUT", "DELETE"][r % 4]
    open(f"{d}/request-{r:05}.toml", "w").write(
        f'# Request {r}\nname = "Request {r}"\nmethod = "{m}"\nurl = "{{{{base_url}}}}/items/{r}/{{{{user_id}}}}"\n\n[query]\npage = "1"\n\n[headers]\nX-Trace = "{r}"\n')
tmux = ["tmux", "-L", "apix-bench"]
subprocess.run(tmux + ["new-session", "-d", "-s", "big", "-x", "120", "-y", "32"], check=True)
time.sleep(0.3)
t0 = time.perf_counter()
subprocess.run(tmux + ["send-keys", "-t", "big", f"APIX_DATA_DIR={data} {apix} {ws}", "Enter"], check=True)
while "Collections [1]" not in subprocess.run(tmux + ["capture-pane", "-p", "-t", "big"], capture_output=True, text=True).stdout:
    time.sleep(0.005)
print(f"first frame: {(time.perf_counter() - t0) * 1000:.0f} ms (5,000 requests in 300 folders; includes shell start-up)")
time.sleep(2)
pid = subprocess.run(["pgrep", "-f", f"{apix} {ws}"], capture_output=True, text=True).stdout.split()[0]
for line in open(f"/proc/{pid}/status"):
    if line.startswith(("VmRSS", "VmHWM")):
        print("idle " + " ".join(line.split()))
subprocess.run(tmux + ["send-keys", "-t", "big", "q"])
PY
