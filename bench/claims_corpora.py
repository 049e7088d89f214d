"""`make report-guardrails`: recall on `block` sentences and precision overall of the claim
check on each labelled corpus in tests/data/ (docs/guardrails.md reports them; the test asserts
the thresholds on the corpora large enough to hold them). Each sentence is checked on its own,
with no references and no results disclosure beside it. The claim model is trained on every
corpus, so `--held-out` measures each one as text the model never saw: with a model trained on
all the others (and the articles), the rules as they are.

    python -m bench.claims_corpora [--misses] [--held-out] [corpus.tsv ...]
"""

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from service.content.guardrails.checks import check_claims
from service.content.guardrails.model import ClaimModel, model_of
from service.content.guardrails.rules import load_rules
from service.content.guardrails.training import CORPORA, labelled_sentences, read_corpus, train

Judge = Callable[[str], str]  # a sentence's worst severity: block, warn or safe


def worst_severity(sentence: str, *, model: ClaimModel | None = None) -> str:
    """`block`, `warn`, or `safe` (nothing, or only `info`): with the shipped claim model, or
    with `model`."""
    found = check_claims(load_rules(), {"intro": sentence}, model=model)
    severities = {finding.severity for finding in found}
    return next((level for level in ("block", "warn") if level in severities), "safe")


def model_held_out_of(path: Path) -> ClaimModel:
    """The claim model as training makes it without this corpus."""
    return model_of(train(labelled_sentences([other for other in CORPORA if other != path])))


def judged_by(model: ClaimModel) -> Judge:
    """The check with this model in place of the shipped one."""
    return partial(worst_severity, model=model)


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


def measure(path: Path, judge: Judge = worst_severity) -> Measure:
    judged = [(label, sentence, judge(sentence)) for label, sentence in read_corpus(path)]
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
    parser.add_argument("--held-out", action="store_true", help="each corpus with a model trained without it")
    parser.add_argument("corpora", nargs="*", type=Path, default=CORPORA, help="default: every claims-*.tsv")
    args = parser.parse_args()
    print("| corpus | sentences | recall on `block` | precision overall |\n|---|---|---|---|")
    for path in (path.resolve() for path in args.corpora):
        m = measure(path, judged_by(model_held_out_of(path)) if args.held_out else worst_severity)
        print(report_row(path, m))
        if args.misses:
            for sentence in m.misses:
                print(f"    missed: {sentence}")
            for sentence in m.false_alarms:
                print(f"    false alarm: {sentence}")


if __name__ == "__main__":
    main()
