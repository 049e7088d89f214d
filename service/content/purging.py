"""Surrogate keys: the names a CDN files each delivery answer under (the Surrogate-Key and
Cache-Tag headers), and so the names a webhook gives for what a change makes stale. One
spelling, used by both sides, so that what is purged is what was tagged."""

# Every list of articles (the site-less one and each site's): a publish changes them all.
LISTS = "articles"


def article_key(article_id: int) -> str:
    return f"article-{article_id}"


def site_key(site: str) -> str:
    return f"site-{site}"


def site_article_key(site: str, article_id: int) -> str:
    """One article as one site serves it: what its overlay changes."""
    return f"site-{site}-article-{article_id}"


def experiment_key(experiment: str) -> str:
    return f"experiment-{experiment}"
