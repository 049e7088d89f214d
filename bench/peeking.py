"""The peeking simulation: A/A experiments (both arms convert at 5%), looked at every 100
visitors per arm, 20 looks, stopped at the first look that names a winner (or a loser). Run
through the service's own analysis (service.content.analysis.compare_arms, vectorised), with
the default sequential test and with fixed-horizon reading, and read once at the end.

    .venv/bin/python -m bench.peeking --experiments 20000 --seed 1

tests/test_peeking.py runs it with 2,000 experiments and holds the sequential rate to 5.5%."""

import argparse

import numpy as np

from service.content.analysis import Analysis, Method, compare_arms

BASE_RATE = 0.05
VISITORS_PER_LOOK = 100  # per arm
LOOKS = 20


def null_experiments(experiments: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative (exposed, converted) at each look: arrays (experiments, looks, 2 arms)."""
    rng = np.random.default_rng(seed)
    converted = rng.binomial(VISITORS_PER_LOOK, BASE_RATE, size=(experiments, LOOKS, 2)).cumsum(axis=1)
    exposed = np.broadcast_to(VISITORS_PER_LOOK * np.arange(1, LOOKS + 1)[None, :, None], converted.shape)
    return exposed, converted


def false_winners(experiments: int = 2000, seed: int = 1) -> dict[str, float]:
    """The share of null experiments declared decided: peeking at every look with the
    sequential test and with the fixed-horizon test, and reading the fixed one once at the end."""
    exposed, converted = null_experiments(experiments, seed)
    decided = {}
    for method in (Method.SEQUENTIAL, Method.FIXED):
        decision = compare_arms(exposed, converted, Analysis(method))["decision"]
        decided[f"{method}, every look"] = float((decision != 0).any(axis=(1, 2)).mean())
    once = compare_arms(exposed[:, -1], converted[:, -1], Analysis(Method.FIXED))["decision"]
    decided["fixed, read once at the end"] = float((once != 0).any(axis=1).mean())
    return decided


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--experiments", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    arguments = parser.parse_args()
    looks = f"{LOOKS} looks of {VISITORS_PER_LOOK}/arm"
    print(f"{arguments.experiments} A/A experiments at {BASE_RATE:.0%}, {looks}")
    for reading, share in false_winners(arguments.experiments, arguments.seed).items():
        print(f"  {reading:32} {share:6.2%} declared a winner or loser")


if __name__ == "__main__":
    main()
