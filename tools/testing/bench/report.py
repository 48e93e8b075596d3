#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise bench-vm's measurements: a table, bench-results.json, a PNG.

  report.py RAW.jsonl OUTDIR

Each figure is the median of the runs, with min and max; each SSA figure
is also given as a ratio to the baseline beside it (OpenSSL, or stunnel).
"""
import json
import statistics
import sys
from collections import defaultdict

# (row label, mode, ssa impl, baseline impl, concurrency, higher is better, target)
ROWS = [
    ("bulk send/recv 16 KiB writes", "bulk", "ssa", "openssl", None, True, 1.0),
    ("bulk: OpenSSL with kTLS", "bulk", "ssa", "openssl-ktls", None, True, None),
    ("bulk: plain TCP", "bulk", "ssa", "tcp", None, True, None),
    ("sendfile vs read+SSL_write", "sendfile", "ssa", "openssl", None, True, 1.3),
    ("sendfile vs SSL_sendfile (kTLS)", "sendfile", "ssa", "openssl-ktls", None, True, None),
    ("sendfile: plain TCP", "sendfile", "ssa", "tcp", None, True, None),
    ("serve to an SSA client vs stunnel", "serve", "ssa", "stunnel", None, True, 2.0),
    ("full handshakes/s SSA<->SSA vs OpenSSL", "hs", "ssa", "openssl", None, True, 1.0),
    ("handshakes/s SSA server, OpenSSL client", "hs", "ssa-openssl", "openssl", None, True, None),
    ("handshakes/s OpenSSL server, SSA client", "hs", "openssl-ssa", "openssl", None, True, None),
    ("resumed handshakes/s", "resume", "ssa", "openssl", None, True, None),
    ("handshake latency p50, 1 client", "latency", "ssa", "openssl", 1, False, None),
    ("handshake latency p50, 16 clients", "latency", "ssa", "openssl", 16, False, None),
    ("handshake latency p50, 128 clients", "latency", "ssa", "openssl", 128, False, None),
    ("latency p50, another user's 2000 silent clients", "latency", "ssa+flood-client", "ssa", 1,
     False, 1.5),
    ("latency p50, 1000 silent TCP clients on it", "latency", "ssa+flood-server", "ssa", 1,
     False, 1.5),
    ("memory per endpoint (kernel vs heap)", "mem", "ssa", "openssl", None, False, None),
]


def stats(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "runs": len(values)}


def main():
    raw, outdir = sys.argv[1], sys.argv[2]
    env = {}
    data = defaultdict(list)
    extra = defaultdict(list)
    for line in open(raw):
        line = line.strip()
        if not line.startswith("{"):
            continue
        m = json.loads(line)
        if m["mode"] == "env":
            env = m
            continue
        key = (m["mode"], m["impl"], m.get("concurrency"))
        data[key].append(m["value"])
        if m["mode"] == "latency":
            extra[key].append(m["p99_ms"])
        if m.get("module_state", -1) >= 0:
            extra["module_state"].append(m["module_state"])
    units = {"bulk": "MB/s", "sendfile": "MB/s", "serve": "MB/s", "hs": "hs/s",
             "resume": "hs/s", "latency": "ms", "mem": "bytes"}

    rows = []
    for label, mode, ssa, base, conc, higher, target in ROWS:
        a, b = data.get((mode, ssa, conc)), data.get((mode, base, conc))
        if not a or not b:
            continue
        sa, sb = stats(a), stats(b)
        row = {"row": label, "mode": mode, "ssa_impl": ssa, "baseline_impl": base,
               "unit": units[mode], "ssa": sa, "baseline": sb,
               "ratio": sa["median"] / sb["median"] if sb["median"] else None,
               "higher_is_better": higher, "target": target}
        if conc:
            row["concurrency"] = conc
            row["ssa_p99_ms"] = statistics.median(extra[(mode, ssa, conc)])
            row["baseline_p99_ms"] = statistics.median(extra[(mode, base, conc)])
        if target and row["ratio"] is not None:
            row["target_met"] = row["ratio"] >= target if higher else row["ratio"] <= target
            if conc and row["baseline_p99_ms"]:
                # latency targets hold for p99 as well as p50
                row["p99_ratio"] = row["ssa_p99_ms"] / row["baseline_p99_ms"]
                row["target_met"] = row["target_met"] and row["p99_ratio"] <= target
        rows.append(row)

    def fig(s):
        return "%.4g [%.4g-%.4g]" % (s["median"], s["min"], s["max"])

    print("kernel %s, %s CPUs, OpenSSL %s, median [min-max] of %s runs" %
          (env.get("kernel", "?"), env.get("cpus", "?"), env.get("openssl", "?"),
           env.get("runs", "?")))
    print("%-42s %-7s %-28s %-28s %-8s %s" % ("row", "unit", "SSA", "baseline", "ratio", "target"))
    for r in rows:
        tgt = ""
        if r["target"]:
            tgt = "%s %.1fx %s" % (">=" if r["higher_is_better"] else "<=", r["target"],
                                   "met" if r["target_met"] else "MISSED")
        note = "" if r["higher_is_better"] else " (lower is better)"
        extra_txt = ""
        if "ssa_p99_ms" in r:
            extra_txt = "  p99 %.3g vs %.3g ms" % (r["ssa_p99_ms"], r["baseline_p99_ms"])
        print("%-42s %-7s %-28s %-28s %-8s %s%s%s" % (
            r["row"], r["unit"], fig(r["ssa"]), "%s %s" % (r["baseline_impl"], fig(r["baseline"])),
            "%.2fx" % r["ratio"], tgt, note, extra_txt))

    state = stats(extra["module_state"]) if extra["module_state"] else None
    if state:
        # design.rst section 8: the module's own state per connection <= 2 KiB.
        print("module state per SSA endpoint (securityfs stats): %s bytes, target <= 2048 %s" %
              (fig(state), "met" if state["median"] <= 2048 else "MISSED"))

    with open(outdir + "/bench-results.json", "w") as f:
        json.dump({"environment": env, "rows": rows, "module_state_bytes": state}, f, indent=2)

    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("report: matplotlib missing (setup-deps --bench): no plot", file=sys.stderr)
        return
    fig_, ax = plt.subplots(figsize=(10, 6))
    labels = [r["row"] for r in rows]
    ratios = [r["ratio"] for r in rows]
    colors = ["tab:green" if (r["ratio"] >= 1) == r["higher_is_better"] else "tab:red"
              for r in rows]
    y = range(len(rows))
    ax.barh(list(y), ratios, color=colors)
    for i, r in enumerate(rows):
        ax.text(r["ratio"], i, " %.2fx" % r["ratio"], va="center", fontsize=8)
        if r["target"]:
            ax.plot([r["target"], r["target"]], [i - 0.4, i + 0.4], color="black")
    ax.axvline(1.0, color="grey", linestyle="--")
    ax.set_yticks(list(y))
    ax.set_yticklabels(labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("SSA / baseline (green: SSA better; black tick: target)")
    ax.set_title("tls_ssa vs userspace TLS, kernel %s, %s CPUs (median of %s runs)" %
                 (env.get("kernel", "?"), env.get("cpus", "?"), env.get("runs", "?")),
                 fontsize=9)
    fig_.tight_layout()
    fig_.savefig(outdir + "/bench.png", dpi=100)


if __name__ == "__main__":
    main()
