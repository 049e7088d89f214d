"""`make bench-guardrails`: how long checking the seed article takes once the NLP pipeline is
loaded (the issue's target: under 50 ms), against a floor measured in the same run: spaCy's
bare English tokenizer over the same texts, the least any spaCy-based check pays. Every round
parses the text anew (the per-text caches are emptied first); a repeated check of unchanged
text, which the caches answer, is shown beside it. In one process, no database.

    python -m bench.guardrails [--rounds 50]
"""

import argparse
import json
import statistics
import time
from datetime import date
from pathlib import Path

from service.config import SEED_PATH
from service.content.guardrails import checks, language, model
from service.content.guardrails.rules import load_rules

RESULTS = Path(__file__).with_name("results-guardrails.json")
TARGET_MS = 50.0


def timed(work, rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    document = json.loads(SEED_PATH.read_text(encoding="utf-8"))
    rules = load_rules()
    today = date.today()

    started = time.perf_counter()
    findings = checks.check_document(rules, document, today, 365)  # loads spaCy, NegEx, textstat
    first_ms = (time.perf_counter() - started) * 1000

    def fresh_check() -> None:
        checks._claims.cache_clear()
        model.SEEN.clear()
        language.sentences.cache_clear()
        checks.reading_grade.cache_clear()
        checks.check_document(rules, document, today, 365)

    texts = [text for _, text in checks.text_fields(document) if text and text.strip()]
    tokenizer = language._pipeline(rules).tokenizer

    def floor() -> None:
        for _ in tokenizer.pipe(texts):
            pass

    # Alternating, so that the machine's load weighs on both alike.
    check_ms, floor_ms = [], []
    for _ in range(args.rounds):
        check_ms += timed(fresh_check, 1)
        floor_ms += timed(floor, 1)
    cached_ms = timed(lambda: checks.check_document(rules, document, today, 365), args.rounds)

    median = statistics.median(check_ms)
    result = {
        "texts": len(texts),
        "findings": len(findings),
        "rounds": args.rounds,
        "first_check_ms (loads the pipeline)": round(first_ms, 1),
        "check_ms_median": round(median, 2),
        "check_ms_p90": round(statistics.quantiles(check_ms, n=10)[-1], 2),
        "floor_tokenizer_ms_median": round(statistics.median(floor_ms), 2),
        "check_over_floor": round(median / statistics.median(floor_ms), 1),
        "repeat_check_ms_median (cached texts)": round(statistics.median(cached_ms), 2),
        "target_ms": TARGET_MS,
        "under_target": median < TARGET_MS,
    }
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    for name, value in result.items():
        print(f"{name:40} {value}")


if __name__ == "__main__":
    main()
