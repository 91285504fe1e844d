#!/usr/bin/env python3
"""Markdown summary of bench/compare-mosquitto.sh results: medians per case and broker, Starling / Mosquitto ratios.

    python3 bench/summarize.py results.jsonl

Each line of results.jsonl is one `starling bench --output json` report plus the keys case, broker, rep and
gc_max_pause_ms that the script adds. Medians are over the runs that report the value (n says how many).
"""
import json
import statistics
import sys

# (key, label, how to combine the runs)
METRICS = [
    ("throughput_per_s", "throughput (deliveries/s)", "median"),
    ("connect_rate_per_s", "connect rate (CONNACK/s)", "median"),
    ("retained_delivery_per_s", "retained delivery (msg/s)", "median"),
    ("latency_p50_us", "latency p50 (us)", "median"),
    ("latency_p99_us", "latency p99 (us)", "median"),
    ("latency_p999_us", "latency p99.9 (us)", "median"),
    ("latency_max_us", "latency max (us)", "median"),
    ("connack_p99_us", "CONNACK p99 (us)", "median"),
    ("retained_delivery_s", "retained: SUBSCRIBE to last (s)", "median"),
    ("broker_cpu_us_per_msg", "broker CPU per delivery (us)", "median"),
    ("tool_cpu_us_per_msg", "tool CPU per delivery (us)", "median"),
    ("broker_bytes_per_connection", "broker RSS per connection (bytes)", "median"),
    ("lost", "lost (sum over runs)", "sum"),
    ("gc_max_pause_ms", "longest GC pause (ms)", "max"),
]


def fmt(value):
    if value is None:
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}" if abs(value) < 1 else f"{value:,.2f}"


def combine(values, how):
    if not values:
        return None
    if how == "sum":
        return sum(values)
    if how == "max":
        return max(values)
    return statistics.median(values)


def main(path):
    runs = [json.loads(line) for line in open(path) if line.strip()]

    def values(case, broker, key):
        return [r[key] for r in runs if r["case"] == case and r["broker"] == broker and r.get(key) is not None]

    print("Medians over the repetitions (n = runs with that value). Ratio: Starling / Mosquitto; for throughput "
          "higher is better, for latency, CPU and memory lower is better.\n")
    print("| case | metric | Starling | Mosquitto | Starling / Mosquitto |")
    print("|---|---|---|---|---|")
    for case in dict.fromkeys(r["case"] for r in runs):
        for key, label, how in METRICS:
            s, m = values(case, "starling", key), values(case, "mosquitto", key)
            if not s and not m:
                continue
            sv, mv = combine(s, how), combine(m, how)
            ratio = f"{sv / mv:.2f}" if how == "median" and sv is not None and mv else "-"
            print(f"| {case} | {label} | {fmt(sv)} (n={len(s)}) | {fmt(mv)} (n={len(m)}) | {ratio} |")
    print()
    failed = [r for r in runs if not r["ok"]]
    lossy = [r for r in runs if r["ok"] and (r.get("lost") or 0) > 0]
    print(f"Runs: {len(runs)}; failed: {len(failed)}; ok but with messages lost (runs without --expect-no-loss): "
          f"{len(lossy)}.")
    for r in failed:
        print(f"- failed: {r['case']} {r['broker']} #{r['rep']}: {r['failure']}")
    for r in lossy:
        print(f"- lost {r['lost']} of {r['expected']}: {r['case']} {r['broker']} #{r['rep']}")


if __name__ == "__main__":
    main(sys.argv[1])
