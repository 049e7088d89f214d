"""bench/RESULTS.md, written from every bench/results-<database>.json present."""

import json
from pathlib import Path
from typing import Any

HEADER = """# Benchmark results

Written by `make bench` (bench/run.py); rerun it to replace the figures for your database.
Every figure is a median over A/B rounds that alternate which side runs first, with the
spread (min–max) beside it. "Floor" is a bare Flask app under the same gunicorn settings
sending the same bytes from memory (bench/floor.py): a ratio of 1.00 means the service
costs nothing beyond Flask and gunicorn themselves.
"""


def ratio(figures: dict[str, float]) -> str:
    return f"{figures['median']:.2f} ({figures['min']:.2f}–{figures['max']:.2f})"


def at_least(target: float | None) -> str:
    return "" if target is None else f"≥ {target:.2f}"


def verdict(met: bool | None) -> str:
    return "(shown)" if met is None else "yes" if met else "**no**"


def section(results: dict[str, Any]) -> list[str]:
    machine = results["machine"]
    lines = [
        f"## {machine['database']}",
        "",
        f"{machine['date']}: {machine['cpu']}, {machine['cores']} cores, {machine['system']}, "
        f"Python {machine['python']}; {machine['load_generator']}; gunicorn "
        f"{machine['gunicorn_workers']} sync workers; {machine['connections']} connections, "
        f"{machine['rounds']} rounds of {machine['seconds_per_run']:g} s; {machine['articles']:,} articles.",
        "",
        "| delivery | throughput ours / floor | target | p99 ours / floor (≤ 2) | ours req/s | met |",
        "|---|---|---|---|---|---|",
    ]
    for name, figures in results["delivery"].items():
        lines.append(
            f"| {name} | {ratio(figures['throughput_ratio'])} | {at_least(figures['target'])} | "
            f"{ratio(figures['p99_ratio'])} | {figures['ours_per_second']['median']:,.0f} | "
            f"{verdict(figures['met'])} |"
        )
    scaling = results["list_scaling"]
    events = results["events"]
    query = results["results_query"]
    memory = results["memory"]
    lines += [
        "",
        "| other | figure | target | met |",
        "|---|---|---|---|",
        f"| list page at {scaling['articles']:,} articles: time per request / at {scaling['against']} "
        f"| {ratio(scaling['cached']['slowdown'])} | ≤ {scaling['target']} "
        f"| {verdict(scaling['cached']['met'])} |",
        f"| the same with delivery's cache off (every request runs its SQL) "
        f"| {ratio(scaling['uncached']['slowdown'])} | ≤ {scaling['target']} "
        f"| {verdict(scaling['uncached']['met'])} |",
        f"| events/s in batches of 500 / one per request | {ratio(events['batch_over_single'])} "
        f"| ≥ {events['target_ratio']} | {verdict(events['met'])} |",
        f"| events/s in batches of 500 | {events['batch_events_per_second']['median']:,.0f} "
        f"({events['batch_events_per_second']['min']:,.0f}–{events['batch_events_per_second']['max']:,.0f}) "
        f"| ≥ {events['target_events_per_second']:,} | {verdict(events['met'])} |",
        f"| events/s one per request | {events['single_events_per_second']['median']:,.0f} | | |",
        f"| results of an experiment with {query['events']:,} events, just loaded (s) "
        f"| {ratio(query['seconds_fresh'])} | < {query['target_seconds']} "
        f"| {verdict(query['seconds_fresh']['median'] < query['target_seconds'])} |",
        f"| the same once analysed, as autovacuum does (s) | {ratio(query['seconds'])} "
        f"| < {query['target_seconds']} | {verdict(query['seconds']['median'] < query['target_seconds'])} |",
        f"| one worker's RSS growth over {memory['requests']:,} requests on {memory['distinct_urls']:,} URLs "
        f"({memory['rss_after_warm_up_mib']:.1f} → {memory['rss_at_end_mib']:.1f} MiB) "
        f"| {memory['growth']:+.1%} | ≤ +{memory['target_growth']:.0%} | {verdict(memory['met'])} |",
        "",
    ]
    return lines


def write_report(directory: Path) -> None:
    lines = [*HEADER.splitlines(), ""]
    for path in sorted(directory.glob("results-*.json")):
        lines += section(json.loads(path.read_text(encoding="utf-8")))
    (directory / "RESULTS.md").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    write_report(Path(__file__).resolve().parent)
