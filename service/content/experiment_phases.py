"""An experiment's phases, as GrowthBook keeps them: each start from draft and each restart
opens one, with the seed, coverage and weights visitors are dealt by then (weights and
coverage change only while the experiment is stopped, so a change of them shows as the next
phase); a stop ends it. A pause and a resume stay in one phase."""

from datetime import datetime

from service.models import Experiment, ExperimentPhase


def open_phase(experiment: Experiment, at: datetime) -> None:
    experiment.phases.append(
        ExperimentPhase(
            number=len(experiment.phases) + 1,
            started_at=at,
            seed=experiment.seed,
            coverage=experiment.coverage,
            weights=[{"variant": variant.key, "weight": variant.weight} for variant in experiment.variants],
            variants_version=experiment.live_variants_version,
        )
    )


def end_phase(experiment: Experiment, at: datetime) -> None:
    if experiment.phases and experiment.phases[-1].ended_at is None:
        experiment.phases[-1].ended_at = at
