"""Bots are not visitors: a user agent that a maintained crawler list (the crawlerdetect
package, a port of JayBizzle's Crawler-Detect) recognises sees control, is assigned nothing,
and its events are dropped, only counted per experiment."""

from functools import lru_cache

from crawlerdetect import CrawlerDetect

_DETECTOR = CrawlerDetect()


@lru_cache(maxsize=4096)
def is_bot(user_agent: str | None) -> bool:
    """Whether the list knows the user agent for a crawler's. Remembered per user agent: the
    list is a few thousand patterns, and the same few dozen agents ask again and again."""
    return bool(user_agent) and bool(_DETECTOR.isCrawler(user_agent))
