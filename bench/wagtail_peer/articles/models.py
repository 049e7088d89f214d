"""The seed article as a Wagtail page: its text fields, and its parts as a StreamField."""

from django.db import models
from wagtail import blocks
from wagtail.api import APIField
from wagtail.fields import StreamField
from wagtail.models import Page

TEXT = {"required": False}


class ArticlePage(Page):
    summary = models.TextField(blank=True)
    intro = models.TextField(blank=True)
    body = StreamField(
        [
            (
                "section",
                blocks.StructBlock(
                    [
                        ("key", blocks.CharBlock()),
                        ("heading", blocks.CharBlock()),
                        ("body", blocks.TextBlock(**TEXT)),
                        ("items", blocks.ListBlock(blocks.CharBlock())),
                        ("closing", blocks.TextBlock(**TEXT)),
                    ]
                ),
            ),
            (
                "condition",
                blocks.StructBlock(
                    [
                        ("key", blocks.CharBlock()),
                        ("name", blocks.CharBlock()),
                        ("outlook", blocks.CharBlock()),
                        ("summary", blocks.TextBlock(**TEXT)),
                        ("points", blocks.ListBlock(blocks.CharBlock())),
                    ]
                ),
            ),
            (
                "benefit",
                blocks.StructBlock(
                    [
                        ("key", blocks.CharBlock()),
                        ("title", blocks.CharBlock()),
                        ("description", blocks.TextBlock()),
                    ]
                ),
            ),
            (
                "faq",
                blocks.StructBlock(
                    [
                        ("key", blocks.CharBlock()),
                        ("question", blocks.CharBlock()),
                        ("answer", blocks.TextBlock()),
                    ]
                ),
            ),
            (
                "call_to_action",
                blocks.StructBlock([("heading", blocks.CharBlock(**TEXT)), ("body", blocks.TextBlock())]),
            ),
        ],
        blank=True,
    )

    api_fields = [APIField("summary"), APIField("intro"), APIField("body")]
