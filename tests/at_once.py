"""Several hosts' work started at the same instant: each callable in its own thread and app
context, released together by a barrier, its session removed after."""

import threading
from collections.abc import Callable

from service.extensions import db


def at_once(app, works: list[Callable[[], None]]) -> None:
    barrier = threading.Barrier(len(works))

    def run(work: Callable[[], None]) -> None:
        with app.app_context():
            barrier.wait()
            work()
            db.session.remove()

    threads = [threading.Thread(target=run, args=(work,)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
