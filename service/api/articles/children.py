"""An article's children (sections, conditions, benefits, FAQs, steps, callouts, testimonials,
facts, comparisons): add, reorder, replace, patch and delete one, each answered with the whole draft."""

from flask.views import MethodView

from service.api.articles.preconditions import change_docs, edited_draft
from service.api.articles.resource import blp
from service.api.articles_schemas import CHILD_KINDS, ChildPositionSchema, JsonObjectSchema, ReorderSchema
from service.content import editing
from service.models import Role

KIND = "<any(" + ", ".join(CHILD_KINDS) + "):kind>"
CHILD_BODY = (
    "A Section, Condition, Benefit, Faq, Step, Callout, Testimonial, Fact or Comparison object, as in "
    "ArticleDocument, by kind."
)


@blp.route(f"/<id:article_id>/{KIND}")
class Children(MethodView):
    @blp.requires(Role.EDITOR)
    @blp.arguments(JsonObjectSchema, description=CHILD_BODY)
    @blp.arguments(ChildPositionSchema, location="query")
    @change_docs("addChild")
    def post(self, child, where, article_id, kind):
        """Add a child

        A section, condition, benefit, FAQ, step, callout, testimonial, fact or comparison, at the end or at
        `position`. Its key must be new in this article and kind (409 otherwise).
        """
        return edited_draft(article_id, editing.child_added(kind, child, where.get("position")))


@blp.route(f"/<id:article_id>/order/{KIND}")
class ChildOrder(MethodView):
    @blp.requires(Role.EDITOR)
    @blp.arguments(ReorderSchema)
    @change_docs("reorderChildren", errors=(404, 412, 428))
    def put(self, order, article_id, kind):
        """Reorder children

        Give every key of this kind once, in the new order.
        """
        return edited_draft(article_id, editing.children_reordered(kind, order["keys"]))


@blp.route(f"/<id:article_id>/{KIND}/<slug:key>")
class Child(MethodView):
    @blp.requires(Role.EDITOR)
    @blp.arguments(JsonObjectSchema, description=CHILD_BODY)
    @change_docs("replaceChild")
    def put(self, child, article_id, kind, key):
        """Replace a child

        Its key stays the one in the path.
        """
        return edited_draft(article_id, editing.child_replaced(kind, key, child))

    @blp.requires(Role.EDITOR)
    @blp.arguments(JsonObjectSchema, content_type="application/merge-patch+json", description=CHILD_BODY)
    @change_docs("patchChild")
    def patch(self, patch, article_id, kind, key):
        """Change part of a child

        A JSON Merge Patch of the child; its key stays the one in the path. A comparison's `rows`
        and `columns` may be patched as objects by key: `{"rows": {"price": {"cells": {"prp":
        "$1,200"}}}}` changes one cell, `null` removes a row, a new key adds one at the end.
        """
        return edited_draft(article_id, editing.child_patched(kind, key, patch))

    @blp.requires(Role.EDITOR)
    @change_docs("deleteChild")
    def delete(self, article_id, kind, key):
        """Delete a child"""
        return edited_draft(article_id, editing.child_deleted(kind, key))
