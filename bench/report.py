"""bench/RESULTS.md, written from every bench/results-<database>.json present."""

import json
import statistics
from pathlib import Path
from typing import Any

HEADER = """# Benchmark results

Written by `make bench` (bench/run.py); rerun it to replace the figures for your database.
Every figure is a median over A/B rounds that alternate which side runs first, with the
spread (min–max) beside it. "Floor" is a bare Flask app under the same server and settings
sending the same bytes from memory (bench/floor.py): a ratio of 1.00 means the service
costs nothing beyond Flask and the server themselves.
"""


def ratio(figures: dict[str, float]) -> str:
    return f"{figures['median']:.2f} ({figures['min']:.2f}–{figures['max']:.2f})"


def ratio_int(figures: dict[str, float]) -> str:
    return f"{figures['median']:,.0f} ({figures['min']:,.0f}–{figures['max']:,.0f})"


def at_least(target: float | None) -> str:
    return "" if target is None else f"≥ {target:.2f}"


def verdict(met: bool | None) -> str:
    return "(shown)" if met is None else "yes" if met else "**no**"


def section(results: dict[str, Any]) -> list[str]:
    machine = results["machine"]
    if "batch_over_floor" not in results["events"]:
        return [
            f"## {machine['database']}, {machine.get('server', 'gunicorn')}",
            "",
            f"{machine['date']}: a run before the events and results "
            "floors and compression (bench/results-*.json keeps its figures); rerun `make bench`.",
            "",
        ]
    # (Results written under gunicorn, before the switch to granian, name gunicorn_workers.)
    workers = machine.get("workers", machine.get("gunicorn_workers"))
    lines = [
        f"## {machine['database']}",
        "",
        f"{machine['date']}: {machine['cpu']}, {machine['cores']} cores, {machine['system']}, "
        f"Python {machine['python']}; {machine['load_generator']}; {machine.get('server', 'gunicorn')} "
        f"{workers} workers; {machine['connections']} connections, "
        f"{machine['rounds']} rounds of {machine['seconds_per_run']:g} s; {machine['articles']:,} articles.",
        "",
        "| delivery | throughput ours / floor | target | p99 ours / floor (≤ 1.5) | ours req/s "
        "| bytes on the wire | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, figures in results["delivery"].items():
        lines.append(
            f"| {name} | {ratio(figures['throughput_ratio'])} | {at_least(figures['target'])} | "
            f"{ratio(figures['p99_ratio'])} | {figures['ours_per_second']['median']:,.0f} | "
            f"{figures.get('wire_bytes', 0):,} | {verdict(figures['met'])} |"
        )
    lines += [
        "",
        "| behind nginx's micro-cache (deploy/nginx.conf) | throughput / nginx sending the same "
        "bytes as a static file | target | p99 / static's | req/s | met |",
        "|---|---|---|---|---|---|",
    ]
    for name, figures in results.get("stack", {}).items():
        lines.append(
            f"| {name} | {ratio(figures['throughput_ratio'])} | {at_least(figures['target'])} | "
            f"{ratio(figures['p99_ratio'])} | {figures['ours_per_second']['median']:,.0f} | "
            f"{verdict(figures['throughput_ratio']['median'] >= figures['target'])} |"
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
        f"| events/s in batches of 500 / the floor's (the same rows in one executemany) "
        f"| {ratio(events['batch_over_floor'])} | ≥ {events['target_over_floor']} "
        f"| {verdict(events['met'])} |",
        f"| results of an experiment with {query['events']:,} events: time / the floor's (the same "
        f"aggregate as one raw statement), once analysed | {query['over_floor']:.2f} "
        f"| ≤ {query['target_over_floor']} | {verdict(query['met'])} |",
        f"| the same, just loaded | {query['over_floor_fresh']:.2f} | | (shown) |",
        f"| one worker's RSS growth over {memory['requests']:,} requests on {memory['distinct_urls']:,} URLs "
        f"({memory['rss_after_warm_up_mib']:.1f} → {memory['rss_at_end_mib']:.1f} MiB) "
        f"| {memory['growth']:+.1%} | ≤ +{memory['target_growth']:.0%} | {verdict(memory['met'])} |",
        "",
        "Absolute figures, for information (they do not travel between machines):",
        "",
        "| figure | value | former target |",
        "|---|---|---|",
        f"| events/s in batches of 500 | {ratio_int(events['batch_events_per_second'])} "
        f"| ≥ {events['target_events_per_second']:,} |",
        f"| events/s, the floor | {ratio_int(events['floor_events_per_second'])} | |",
        f"| events/s in batches of 500 / one per request | {ratio(events['batch_over_single'])} "
        f"| ≥ {events['target_ratio']} |",
        f"| events/s one per request | {events['single_events_per_second']['median']:,.0f} | |",
        f"| results, just loaded (s) | {ratio(query['seconds_fresh'])} | < {query['target_seconds']} |",
        f"| results, once analysed (s) | {ratio(query['seconds'])} | < {query['target_seconds']} |",
        f"| results floor, once analysed (s) | {ratio(query['floor_seconds'])} | |",
        "",
    ]
    return lines


def servers_section(results: dict[str, Any]) -> list[str]:
    """`make bench-servers`: each server against gunicorn, same app, workers and database."""
    machine, ratios = results["machine"], results["median_ratio_to_gunicorn"]
    names = list(results["median_per_second"])
    restarts, slow = results["graceful_restart"], results["slow_clients"]

    def row(label: str, cells: list[str]) -> str:
        return f"| {label} | " + " | ".join(cells) + " |"

    def restart(name: str, mode: str) -> str:
        figures = restarts[name][mode]
        replaced = "" if figures["workers_replaced"] else " (reload unfinished)"
        return f"{figures['failed']} of {figures['requests']:,}{replaced}"

    return [
        "## The server: gunicorn against granian (`make bench-servers`)",
        "",
        f"{results['date']}: {machine['cpus']} cores, {machine['platform']}, Python {machine['python']}; "
        f"{results['workers']} workers each, wrk with {results['connections']} connections, "
        f"{len(results['rounds'])} interleaved rounds; SQLite, the seed article.",
        "",
        row("", names),
        row("---", ["---"] * len(names)),
        row("requests/s, median", [f"{results['median_per_second'][name]:,}" for name in names]),
        row("requests/s / gunicorn's", [f"{ratios['per_second'][name]:.2f}" for name in names]),
        row("p99 / gunicorn's", [f"{ratios['p99_ms'][name]:.2f}" for name in names]),
        row("memory (PSS) / gunicorn's", [f"{ratios['pss_kib'][name]:.2f}" for name in names]),
        *(
            row(f"SIGHUP under load, {mode}: failed", [restart(name, mode) for name in names])
            for mode in restarts[names[0]]
        ),
        row(
            "50 slow clients: a normal client's answers in 10 s (p99 ms)",
            [f"{slow[name]['served']:,} ({slow[name]['p99_ms']})" for name in names],
        ),
        "",
    ]


def peers_section(results: dict[str, Any]) -> list[str]:
    """`make bench-peers`: a peer CMS's API against the service, same article, server and workers."""
    machine, per_second, p99 = results["machine"], results["median_per_second"], results["median_p99_ms"]
    answers, ratios = results["answers"], results["peer_over_service"]
    names = list(per_second)

    def row(label: str, cells: list[str]) -> str:
        return f"| {label} | " + " | ".join(cells) + " |"

    def spread(values: list[float]) -> str:
        return f"{statistics.median(values):.3f} ({min(values):.3f}–{max(values):.3f})"

    return [
        f"## A peer CMS: {results['peer']}'s API v2 (`make bench-peers`)",
        "",
        f"{results['date']}: {machine['cpus']} cores, {machine['platform']}, Python {machine['python']}; "
        f"granian, {results['workers']} workers each, wrk with {results['connections']} connections, "
        f"{len(results['rounds'])} interleaved rounds; SQLite, the seed article, "
        "a browser's Accept-Encoding.",
        "",
        row("", names),
        row("---", ["---"] * len(names)),
        row("requests/s, median", [f"{per_second[name]:,.0f}" for name in names]),
        row("p99 (ms), median", [f"{p99[name]:,.1f}" for name in names]),
        row(
            "bytes on the wire",
            [
                f"{answers[name]['bytes_on_the_wire']:,} ({answers[name]['content_encoding']})"
                for name in names
            ],
        ),
        "",
        f"The peer's requests/s / the service's, per round: {spread(ratios['per_second'])}; "
        f"its p99 / the service's: {spread(ratios['p99_ms'])}.",
        "",
    ]


def write_report(directory: Path) -> None:
    lines = [*HEADER.splitlines(), ""]
    for path in sorted(directory.glob("results-*.json")):
        results = json.loads(path.read_text(encoding="utf-8"))
        if "graceful_restart" in results:  # make bench-servers
            lines += servers_section(results)
        elif "peer_over_service" in results:  # make bench-peers
            lines += peers_section(results)
        elif "machine" in results:  # (make bench-guardrails writes its own, reported elsewhere)
            lines += section(results)
    (directory / "RESULTS.md").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    write_report(Path(__file__).resolve().parent)
