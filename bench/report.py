"""The benchmark's one table (for the terminal and the README) and its JSON file."""

from __future__ import annotations

import json
from pathlib import Path


def _goal(single: dict) -> str:
    parts = []
    if single.get("goal_queries") is not None:
        parts.append(f"≤{single['goal_queries']} q")
    parts.append(f"p95 ≤{single['goal_p95_ms']:.0f} ms")
    return ", ".join(parts)


def table(results: dict) -> str:
    machine = results["machine"]
    data = results["dataset"]
    lines = [
        f"Tideline benchmark, size {results['size']} ({data['cases']:,} cases, {data['perpetrators']:,} perpetrators, "
        f"{data['victims']:,} victims, {data['incidents']:,} incidents, {data['users']:,} users), {results['when']}",
        f"Machine: {machine['cpus']} CPUs, {machine['memory']} RAM, Python {machine['python']}, PostgreSQL {machine['postgresql']}",
        "",
        "| page or endpoint | queries | p50 ms | p95 ms | of which SQL, p50 ms | load req/s | load p50 ms | load p95 ms | goal | met |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for name, page in results["pages"].items():
        single = page["single_user"]
        load = page.get("load") or {}
        lines.append(
            f"| {name} | {single['queries']} | {single['p50_ms']:.1f} | {single['p95_ms']:.1f} | {single.get('db_p50_ms', 0):.1f} | "
            f"{load.get('rps', '–')} | {load.get('p50_ms', '–')} | {load.get('p95_ms', '–')} | {_goal(single)} | "
            f"{'yes' if single['meets_goal'] else 'no' if single['status'] == 200 else 'HTTP ' + str(single['status'])} |"
        )
    lines += ["", "| measurement | result | goal |", "|---|---|---|"]
    for name, pack in (results.get("packs") or {}).items():
        detail = f"{pack['seconds']:.2f} s"
        if pack.get("pages"):
            detail += f", {pack['pages']} pages"
        if pack.get("packs"):
            detail += f", {pack['packs']} packs"
        goal = f"≤ {pack['goal_seconds']:.0f} s" if pack.get("goal_seconds") else ""
        lines.append(
            f"| meeting pack, {name} ({pack['items']} items) | {detail} ({pack['status']}) | {goal} |"
        )
    scan = results["risk_scan"]
    slowest = max(scan["rules"].items(), key=lambda kv: kv[1]["ms"], default=("–", {"ms": 0}))
    lines.append(
        f"| risk scan: slowest rule's candidate query ({slowest[0]}) | {slowest[1]['ms']:.1f} ms | ≤ 100 ms |"
    )
    lines.append(
        f"| risk scan: every rule, in process | {scan['full_scan_s']:.2f} s, {scan['flags_raised']:,} flags | ≤ 10 s |"
    )
    lines.append(
        f"| risk scan again, nothing changed | {scan['rescan_nothing_changed_s'] * 1000:.0f} ms, "
        f"{scan['flags_raised_on_rescan']} new flags | ≤ 5 ms |"
    )
    imported = results["import"]
    lines.append(
        f"| CSV incident import | {imported['rows_per_second']} rows/s ({imported['created']:,} rows in {imported['seconds']:.2f} s) | |"
    )
    for name, report in results["reports"].items():
        lines.append(
            f"| report: {name} | p50 {report['p50_ms']:.0f} ms, {report['queries']} queries (HTTP {report['status']}) | |"
        )
    if data.get("load_seconds"):
        lines.append(
            f"| dataset load (generate_dataset) | {data['load_seconds']:.0f} s | national: well under 1 h |"
        )
    return "\n".join(lines)


def write(results: dict, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    text = json.dumps(results, indent=2, default=str)
    written = []
    for name in ("latest.json", f"{results['size']}.json"):
        path = directory / name
        path.write_text(text + "\n")
        written.append(path)
    return written
