"""How long visitors' events are kept: once an experiment has stopped, its results have been
read, and its events (visitor ids among them) need not outlive it. `flask purge-events`."""

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from service.content.audit import Actor
from service.models import Event, Experiment, ExperimentStatus


def purge_stopped_events(session: Session, stopped_before: datetime, *, by: Actor) -> dict[str, int]:
    """Delete the events of every experiment stopped before `stopped_before`; how many went,
    by experiment key. The experiments stay, as history (their results then count nothing)."""
    stopped = session.execute(
        select(Experiment.id, Experiment.key).where(
            Experiment.status == ExperimentStatus.STOPPED, Experiment.stopped_at < stopped_before
        )
    ).all()
    purged = {}
    for experiment_id, key in stopped:
        deleted = session.execute(delete(Event).where(Event.experiment_id == experiment_id))
        if deleted.rowcount:
            purged[key] = deleted.rowcount
            by.record(session, "events.purged", experiment=key, events=deleted.rowcount)
    return purged
