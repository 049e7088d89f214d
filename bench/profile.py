"""`make profile`: a pyinstrument profile of delivery requests answered from the cache, and of
the same requests when nothing is cached, on a generated database, in-process (no network).

    python -m bench.profile [--articles 200] [--requests 3000]
"""

import argparse
import tempfile
from pathlib import Path

from pyinstrument import Profiler

from bench.generate import build
from service import create_app

SITE = "clinic-austin"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--requests", type=int, default=3000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cms-profile-") as work:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(work) / 'profile.db'}"})
        data = build(app, args.articles)
        client = app.test_client()
        article = f"/v1/sites/{SITE}/articles/{data.plain_slug}"
        urls = {
            "site article": (article, {}),
            "revalidation (304)": (article, {"If-None-Match": client.get(article).headers["ETag"]}),
            "visitor in an experiment": (f"/v1/sites/{SITE}/articles/{data.experiment_slug}?visitor=v-1", {}),
            "list page": (f"/v1/sites/{SITE}/articles?page=3", {}),
        }
        for name, (url, headers) in urls.items():
            for cached in (True, False):
                profiler = Profiler(interval=0.0001)
                with profiler:
                    for _ in range(args.requests if cached else args.requests // 10):
                        if not cached:
                            app.extensions["delivery_cache"].clear()
                        client.get(url, headers=headers)
                print(f"\n=== {name}, {'cached' if cached else 'nothing cached'} ===")
                print(profiler.output_text(unicode=True, color=False))


if __name__ == "__main__":
    main()
