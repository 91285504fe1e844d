#!/usr/bin/env bash
# QoS 1 throughput to persistent subscribers with storage.durability sync, periodic and none (issue #4's
# benchmark). Starts the broker jar once per run on 127.0.0.1 with a fresh data directory, drives it with
# `starling bench p2p --session-expiry` (MQTT 5 sessions the broker keeps, so every message is stored before it
# is acknowledged), and alternates the modes A B C A B C... Prints one line per run and the medians.
#
#   bench/storage-modes.sh [--reps N] [--duration 10s] [--pairs 4] [--payload 16]
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
reps=3; duration=10s; pairs=4; payload=16; window=64
while [[ $# -gt 0 ]]; do
  case "$1" in
    --reps) reps="$2"; shift 2;;
    --duration) duration="$2"; shift 2;;
    --pairs) pairs="$2"; shift 2;;
    --payload) payload="$2"; shift 2;;
    --window) window="$2"; shift 2;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done

jar="${STARLING_JAR:-$here/cli/target/starling.jar}"
[[ -f "$jar" ]] || (cd "$here" && ./mvnw -q -DskipTests -pl cli -am package)
frozen="$(mktemp -d)/starling.jar"; cp "$jar" "$frozen"    # the same broker for every run
work="$(mktemp -d)"; trap 'rm -rf "$work" "$(dirname "$frozen")"' EXIT

# Queues large enough that nothing is dropped, and a subscriber window as large as a publisher's, so that
# subscribers keep up: the run measures storage, not the overflow policy or a growing backlog.
config="$work/starling.yaml"
cat >"$config" <<YAML
session:
  maximum-inflight: 1000
  maximum-queued-messages: 10000000
  maximum-queued-bytes: 4294967296
  queued-messages-in-memory: ${IN_MEMORY:-1000}
YAML

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

run_once() {
  local mode="$1" port data log pid json
  port="$(free_port)"; data="$work/data-$mode-$RANDOM"; log="$work/broker-$mode.log"
  java -Xms1g -Xmx1g -jar "$frozen" broker --config "$config" --port "$port" --durability "$mode" \
      --data-dir "$data" >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do grep -q " listening on " "$log" && break; sleep 0.1; done
  json="$(java -jar "$frozen" bench p2p --port "$port" --pairs "$pairs" --qos 1 --payload "$payload" \
      --window "$window" --warmup 3s --duration "$duration" --session-expiry 300 --expect-no-loss \
      --broker-pid "$pid" --output json)" || true
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$mode $json"
}

results="$work/results.txt"
summary() {  # one line per run, or the medians with "--table"
  python3 - "$@" <<'PY'
import json, statistics, sys
def parse(line):
    mode, _, raw = line.partition(" ")
    try:
        return mode, json.loads(raw)
    except ValueError:
        return mode, None
if sys.argv[1] == "--line":
    mode, report = parse(sys.argv[2])
    if report is None:
        print(f"{mode}: run failed: {sys.argv[2][len(mode):].strip()[:200]}")
    else:
        print(f"{mode:8} {report['throughput_per_s']:>10,.0f} msg/s  lost={report['lost']}  ok={report['ok']}"
              f"  broker CPU {report['broker_cpu_us_per_msg']} us/msg")
    sys.exit()
by = {}
for line in open(sys.argv[2]):
    mode, report = parse(line)
    if report is not None and report.get("ok"):
        by.setdefault(mode, []).append(float(report["throughput_per_s"]))
none = statistics.median(by["none"]) if by.get("none") else None
print("| durability | runs | median msg/s | vs none |")
print("|---|---|---|---|")
for mode in ("sync", "periodic", "none"):
    values = by.get(mode, [])
    if not values:
        print(f"| {mode} | 0 | - | - |")
        continue
    median = statistics.median(values)
    print(f"| {mode} | {len(values)} | {median:,.0f} | {median / none:.2f} |" if none else
          f"| {mode} | {len(values)} | {median:,.0f} | - |")
PY
}

for rep in $(seq 1 "$reps"); do
  for mode in sync periodic none; do
    line="$(run_once "$mode")"
    echo "$line" >> "$results"
    summary --line "$line" >&2
  done
done
summary --table "$results"
