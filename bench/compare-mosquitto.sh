#!/usr/bin/env bash
# Starling and Mosquitto side by side on this machine: the same `starling bench` scenarios against each broker,
# alternating A B A B, then a markdown table of medians, Starling / Mosquitto ratios and CPU per message of each
# broker (read from /proc by the tool, --broker-pid). Not part of CI: it takes minutes and its numbers depend on
# the machine. See docs/benchmarks.md ("Load tool: Starling vs Mosquitto").
#
#   bench/compare-mosquitto.sh                        # every case, 3 repetitions, 5 s measured + 2 s warm-up
#   bench/compare-mosquitto.sh --reps 1 --duration 3s --cases "p2p-q1 latency-q1"
#   bench/compare-mosquitto.sh --help
#
# Needs: a JDK 17+ (java), /usr/sbin/mosquitto (Debian package mosquitto 2.x), jq, python3 (bench/summarize.py
# writes the table), and the shaded jar
# cli/target/starling.jar (built with ./mvnw -q -pl cli -am package -DskipTests when missing).
#
# Every broker is fresh for every run: started, used for one scenario, stopped. Both listen on 127.0.0.1 on a
# free port. What is configured, and why:
#   Mosquitto  max_inflight_messages 0  no limit of unacknowledged QoS 1/2 messages towards a client (default 20,
#                                       which also caps the Receive Maximum it advertises to MQTT 5 clients);
#              max_queued_messages 0    no per-client queue limit (default 1000): no message dropped for a full
#                                       queue. With both at 0 Mosquitto 2.0 never drops QoS 0 messages either;
#              set_tcp_nodelay true     no Nagle delay on its sockets (Starling sets TCP_NODELAY too);
#              persistence false, sys_interval 0 ($SYS updates off), log_type error + warning.
#   Starling   session.maximum-inflight 65535, maximum-queued-messages 100000000, maximum-queued-bytes 16 GiB,
#              connection.receive-maximum 65535: the same "no limit" as far as the configuration allows;
#              heap fixed with -Xms/-Xmx (STARLING_HEAP, default 1g), default GC (G1), GC log per run; storage:
#              none is configured (the broker keeps everything in memory; a --durability flag is passed when
#              `starling broker --help` offers one).
set -euo pipefail

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
root="$(dirname "$here")"

reps=3
duration=5s
warmup=2s
cases_default="p2p-q0 p2p-q1 p2p-q2 fan-out-q1 fan-in-q1 fan-in-shared-q1 latency-q1 connections retained"
cases="$cases_default"
out=""
jar="${STARLING_JAR:-$root/cli/target/starling.jar}"
starling_heap="${STARLING_HEAP:-1g}"
tool_heap="${TOOL_HEAP:-512m}"
mosquitto_bin="${MOSQUITTO:-/usr/sbin/mosquitto}"
tool_threads="${TOOL_THREADS:-1}"

usage() {
  cat <<EOF
Usage: bench/compare-mosquitto.sh [--reps N] [--duration D] [--warmup D] [--cases "A B ..."] [--out DIR]

  --reps N        repetitions of each case for each broker (default $reps); runs alternate Starling, Mosquitto
  --duration D    measured interval of each throughput/latency run (default $duration)
  --warmup D      warm-up before it (default $warmup)
  --cases LIST    among: $cases_default
  --out DIR       where results.jsonl, summary.md and the logs go (default bench/results/<date-time>)

Environment: STARLING_JAR (default cli/target/starling.jar), STARLING_HEAP (default 1g), TOOL_HEAP (default
512m), TOOL_THREADS (the load tool's event loops, default 1), MOSQUITTO (default /usr/sbin/mosquitto).
EOF
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --reps) reps="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --cases) cases="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "compare-mosquitto: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done

[[ "$reps" =~ ^[1-9][0-9]*$ && "$reps" -le 50 ]] || { echo "compare-mosquitto: --reps must be 1..50" >&2; exit 2; }
for tool in java jq python3; do
  command -v "$tool" >/dev/null || { echo "compare-mosquitto: $tool not found" >&2; exit 1; }
done
if [[ ! -x "$mosquitto_bin" ]]; then
  echo "compare-mosquitto: $mosquitto_bin not found (apt-get install -y mosquitto)" >&2
  exit 1
fi
if [[ ! -f "$jar" ]]; then
  echo "compare-mosquitto: building $jar" >&2
  (cd "$root" && ./mvnw -q -pl cli -am package -DskipTests) >&2
fi

out="${out:-$here/results/$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$out"
results="$out/results.jsonl"
: > "$results"

# The bench arguments of each case. Durations apply to the throughput and latency cases.
case_args() {
  # QoS 1/2 runs fail (and are listed) when a message is not delivered by the end of the drain.
  local traffic=(--warmup "$warmup" --duration "$duration" --drain-timeout 10s)
  local strict=(--expect-no-loss)
  case "$1" in
    p2p-q0) echo p2p --pairs 4 --qos 0 "${traffic[@]}" ;;
    p2p-q1) echo p2p --pairs 4 --qos 1 "${traffic[@]}" "${strict[@]}" ;;
    p2p-q2) echo p2p --pairs 4 --qos 2 "${traffic[@]}" "${strict[@]}" ;;
    fan-out-q1) echo fan-out --publishers 2 --subscribers 20 --topics 2 --qos 1 "${traffic[@]}" "${strict[@]}" ;;
    fan-in-q1) echo fan-in --publishers 20 --subscribers 2 --qos 1 "${traffic[@]}" "${strict[@]}" ;;
    fan-in-shared-q1) echo fan-in --publishers 20 --subscribers 2 --shared --qos 1 "${traffic[@]}" "${strict[@]}" ;;
    latency-q1) echo latency --rate 5000 --qos 1 "${traffic[@]}" "${strict[@]}" ;;
    connections) echo connections --connections 2000 --max-pending 100 --hold 2s ;;
    retained) echo retained --retained 10000 --qos 1 ;;
    *) return 1 ;;
  esac
}
for name in $cases; do
  case_args "$name" >/dev/null || { echo "compare-mosquitto: unknown case $name" >&2; exit 2; }
done

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Waits (at most 20 s) until something accepts connections on 127.0.0.1:$1, or the process $2 is gone.
await_port() {
  local port="$1" pid="$2" tries
  for ((tries = 0; tries < 200; tries++)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# Stops the process $1 (SIGTERM, then SIGKILL after 15 s) and waits for it.
stop_process() {
  local pid="$1" tries
  kill "$pid" 2>/dev/null || return 0
  for ((tries = 0; tries < 150; tries++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

durability_flag=()
if java -jar "$jar" broker --help 2>/dev/null | grep -q -- '--durability'; then
  durability_flag=(--durability none)
fi

# Starts a broker ($1: starling or mosquitto) for run $2; sets broker_pid and broker_port.
start_broker() {
  local kind="$1" label="$2"
  broker_port="$(free_port)"
  if [[ "$kind" == mosquitto ]]; then
    cat > "$out/$label.conf" <<EOF
per_listener_settings false
allow_anonymous true
persistence false
sys_interval 0
max_inflight_messages 0
max_queued_messages 0
set_tcp_nodelay true
log_dest stdout
log_type error
log_type warning
listener $broker_port 127.0.0.1
EOF
    "$mosquitto_bin" -c "$out/$label.conf" > "$out/$label.log" 2>&1 &
  else
    cat > "$out/$label.yaml" <<EOF
listeners:
  - bind: 127.0.0.1
    port: $broker_port
connection:
  receive-maximum: 65535
session:
  maximum-inflight: 65535
  maximum-queued-messages: 100000000
  maximum-queued-bytes: 17179869184
EOF
    java "-Xms$starling_heap" "-Xmx$starling_heap" "-Xlog:gc:file=$out/$label.gc.log" \
      -jar "$jar" broker --config "$out/$label.yaml" --log-level warn "${durability_flag[@]}" \
      > "$out/$label.log" 2>&1 &
  fi
  broker_pid=$!
  if ! await_port "$broker_port" "$broker_pid"; then
    echo "compare-mosquitto: $kind did not start; see $out/$label.log" >&2
    stop_process "$broker_pid"
    return 1
  fi
}

# The longest GC pause of a Starling run, in ms, from its -Xlog:gc file: lines with "Pause" end in "<n>ms".
gc_max_pause() {
  local log="$1" longest
  [[ -f "$log" ]] || { echo null; return; }
  longest="$(grep 'Pause' "$log" | grep -o '[0-9.]*ms$' | tr -d 'ms' | sort -g | tail -1 || true)"
  echo "${longest:-null}"
}

run_case() {
  local name="$1" kind="$2" rep="$3" label args json pause
  label="$name-$kind-$rep"
  read -r -a args <<< "$(case_args "$name")"
  start_broker "$kind" "$label" || return 0
  echo "compare-mosquitto: $label (port $broker_port, pid $broker_pid)" >&2
  set +e
  json="$(java "-Xms$tool_heap" "-Xmx$tool_heap" -jar "$jar" bench "${args[@]}" --port "$broker_port" \
    --broker-pid "$broker_pid" --threads "$tool_threads" --output json 2> "$out/$label.bench.err" | tail -1)"
  set -e
  stop_process "$broker_pid"
  if [[ "$json" != \{* ]]; then
    echo "compare-mosquitto: $label produced no report; see $out/$label.bench.err" >&2
    return 0
  fi
  pause=null
  [[ "$kind" == starling ]] && pause="$(gc_max_pause "$out/$label.gc.log")"
  jq -c --arg case "$name" --arg broker "$kind" --argjson rep "$rep" --argjson gc "$pause" \
    '. + {case: $case, broker: $broker, rep: $rep, gc_max_pause_ms: $gc}' <<< "$json" >> "$results"
  jq -r '"  \(.case) \(.broker) #\(.rep): ok=\(.ok) throughput=\(.throughput_per_s)"
    + " p99us=\(.latency_p99_us) lost=\(.lost) failure=\(.failure)"' <<< "$(tail -1 "$results")" >&2
}

{
  echo "# Starling vs Mosquitto, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
  echo "- machine: $(nproc) cores, $cpu, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- java: $(java -version 2>&1 | head -1); mosquitto: $("$mosquitto_bin" -h 2>&1 | head -1)"
  echo "- reps: $reps, warm-up $warmup, measured $duration; Starling heap $starling_heap;" \
    "tool heap $tool_heap, $tool_threads event loop(s)"
  echo "- command: bench/compare-mosquitto.sh --reps $reps --duration $duration --warmup $warmup --cases \"$cases\""
  echo
} > "$out/summary.md"

for ((rep = 1; rep <= reps; rep++)); do
  for name in $cases; do
    run_case "$name" starling "$rep"
    run_case "$name" mosquitto "$rep"
  done
done

python3 "$here/summarize.py" "$results" >> "$out/summary.md"

echo "compare-mosquitto: results in $out/summary.md and $out/results.jsonl" >&2
cat "$out/summary.md"
