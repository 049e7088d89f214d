"""`make report-guardrails`: recall on `block` sentences and precision overall of the claim
check on each labelled corpus in tests/data/ (docs/guardrails.md reports them; the test asserts
the thresholds on the corpora large enough to hold them). Each sentence is checked on its own,
with no references and no results disclosure beside it.

    python -m bench.claims_corpora [--misses] [corpus.tsv ...]
"""

import argparse
from dataclasses import dataclass
from pathlib import Path

from service.content.guardrails.checks import check_claims
from service.content.guardrails.rules import load_rules

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
CORPORA = sorted(DATA.glob("claims-*.tsv"))


def read_corpus(path: Path) -> list[tuple[str, str]]:
    """(label, sentence) for each line that is not a comment."""
    rows = (line.split("\t", 1) for line in path.read_text(encoding="utf-8").splitlines())
    return [(row[0], row[1]) for row in rows if len(row) == 2 and not row[0].startswith("#")]


def worst_severity(sentence: str) -> str:
    """`block`, `warn`, or `safe` (nothing, or only `info`)."""
    severities = {finding.severity for finding in check_claims(load_rules(), {"intro": sentence})}
    return next((level for level in ("block", "warn") if level in severities), "safe")


@dataclass(frozen=True)
class Measure:
    sentences: int
    blocks: int
    blocks_found: int
    flagged: int
    flagged_risky: int
    misses: tuple[str, ...]  # block sentences not found as blocking
    false_alarms: tuple[str, ...]  # safe sentences flagged

    @property
    def recall(self) -> float:
        return self.blocks_found / self.blocks

    @property
    def precision(self) -> float:
        return self.flagged_risky / self.flagged if self.flagged else 1.0


def measure(path: Path) -> Measure:
    judged = [(label, sentence, worst_severity(sentence)) for label, sentence in read_corpus(path)]
    blocks = [(sentence, got) for label, sentence, got in judged if label == "block"]
    flagged = [(label, sentence) for label, sentence, got in judged if got != "safe"]
    return Measure(
        sentences=len(judged),
        blocks=len(blocks),
        blocks_found=sum(got == "block" for _, got in blocks),
        flagged=len(flagged),
        flagged_risky=sum(label != "safe" for label, _ in flagged),
        misses=tuple(sentence for sentence, got in blocks if got != "block"),
        false_alarms=tuple(sentence for label, sentence in flagged if label == "safe"),
    )


def report_row(path: Path, measured: Measure) -> str:
    """The corpus's row in docs/guardrails.md's table of current figures."""
    m = measured
    return (
        f"| `{path.stem}` | {m.sentences} | {m.recall:.2f} ({m.blocks_found} / {m.blocks}) "
        f"| {m.precision:.2f} ({m.flagged_risky} / {m.flagged}) |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--misses", action="store_true", help="list missed and falsely flagged sentences")
    parser.add_argument("corpora", nargs="*", type=Path, default=CORPORA, help="default: every claims-*.tsv")
    args = parser.parse_args()
    print("| corpus | sentences | recall on `block` | precision overall |\n|---|---|---|---|")
    for path in args.corpora:
        m = measure(path)
        print(report_row(path, m))
        if args.misses:
            for sentence in m.misses:
                print(f"    missed: {sentence}")
            for sentence in m.false_alarms:
                print(f"    false alarm: {sentence}")


if __name__ == "__main__":
    main()
