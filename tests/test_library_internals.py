"""Every library internal the service overrides (in api/blueprint.py and openapi.py,
mdit-py-plugins' footnote state in content/markdown.py, and granian's socket in deploy/web.py),
each checked by name: an upgrade that renames or stops calling one fails its test here,
instead of the override going quietly unused."""

import inspect
import re

import pytest
from flask import request
from granian.server import common as granian_common
from granian.server import mp as granian_mp
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException

from deploy import web
from service.api.blueprint import ArgumentsParser, ServiceBlueprint, query_parameters
from service.api.delivery_schemas import ArticleCardSchema, ArticleQuerySchema, DeliveredArticleSchema
from service.content.markdown import _markdown
from service.errors import PROBLEM_CONTENT_TYPE

PARSER = ServiceBlueprint.ARGUMENTS_PARSER
DELIVERY = {"Delivery", "Site delivery"}  # the blueprints whose views cache answers by URL


@pytest.fixture(scope="module")
def spec(app):
    return app.test_client().get("/openapi.json").json


class TagsSchema(Schema):
    tag = fields.List(fields.String())


def test_webargs_builds_schemas_through_get_schema(app):
    parser = ArgumentsParser()
    with app.test_request_context("/?locale=en"):
        parser.parse(ArticleQuerySchema, request, location="query")
        parser.parse(ArticleQuerySchema, request, location="query")
    assert list(parser._schemas) == [ArticleQuerySchema]  # built once, when webargs asked


def test_webargs_reads_json_bodies_through_raw_load_json(app):
    body = '{"a": 1, "a": 2}'
    with (
        app.test_request_context(method="POST", data=body, content_type="application/json"),
        pytest.raises(HTTPException) as refused,
    ):
        PARSER.parse(Schema, request, location="json")
    assert refused.value.code == 422  # a key given twice: only our reader notices


def test_webargs_makeproxy_tells_which_query_fields_take_lists(app):
    with app.test_request_context("/?tag=a&tag=b&locale=en&locale=fr"):
        assert PARSER.parse(TagsSchema, request, location="query") == {"tag": ["a", "b"]}
        assert PARSER.parse(ArticleQuerySchema, request, location="query") == {"locale": "en"}


def test_flask_smorest_builds_x_pagination_through_make_pagination_metadata(client, published):
    ServiceBlueprint._make_pagination_metadata.cache_clear()
    response = client.get("/v1/articles?page_size=5")
    assert response.json and response.headers["X-Pagination"]
    assert ServiceBlueprint._make_pagination_metadata.cache_info().currsize == 1


def test_flask_smorest_paginate_reads_the_page_parameters_views_note(app, spec):
    """The query parameters each delivery view notes (service.api.caching keeps its URLs by
    them) are those its operation documents: flask-smorest's pagination among them."""
    delivery = [rule for rule in app.url_map.iter_rules() if rule.endpoint.split(".")[0] in DELIVERY]
    for rule in delivery:
        get = app.view_functions[rule.endpoint].view_class.get
        operation = spec["paths"][re.sub(r"<(?:[^:>]+:)?(\w+)>", r"{\1}", rule.rule)]["get"]
        documented = {p["name"] for p in operation["parameters"] if p["in"] == "query"}
        assert query_parameters(get) == documented, rule.rule
    assert len(delivery) == 5


def test_flask_smorest_init_spec_takes_our_plugin(spec):
    operation = spec["paths"]["/v1/articles/{slug}"]["get"]
    assert operation["security"] == []  # (PublicUnlessSecured's doing)


def test_flask_smorest_register_responses_registers_problem_documents(spec):
    responses = spec["components"]["responses"]
    for name in ("NOT_FOUND", "UNPROCESSABLE_ENTITY", "TOO_MANY_REQUESTS", "DEFAULT_ERROR"):
        assert responses[name]["content"][PROBLEM_CONTENT_TYPE]["example"]["status"] >= 400, name


def test_flask_smorest_register_pagination_header_documents_json_text(spec):
    header = spec["components"]["headers"]["PAGINATION"]
    assert "schema" not in header
    assert header["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PaginationMetadata"
    }


def test_marshmallow_declared_fields_mark_delivered_fields_required(spec):
    assert ArticleCardSchema().fields["summary"].required  # what instances are built from
    schemas = spec["components"]["schemas"]
    for name, schema in (("ArticleCard", ArticleCardSchema), ("DeliveredArticle", DeliveredArticleSchema)):
        assert set(schemas[name]["required"]) == set(schema().fields), name


def test_mdit_footnote_ref_resolves_labels_from_env_footnotes_refs():
    """Citations of the article's references are labels put in env["footnotes"]["refs"]
    (":label" -> -1) before parsing, with no definition in the body."""
    env = {"footnotes": {"refs": {":1": -1}, "list": {}}}
    tokens = _markdown.parse("Cited.[^1]", env)

    [citation] = [child for child in tokens[1].children if child.type == "footnote_ref"]
    unlabelled = _markdown.parse("Cited.[^1]", {})[1].children

    assert citation.meta["label"] == "1"
    assert "footnote_ref" not in [child.type for child in unlabelled]


def test_granian_builds_its_listening_socket_in_init_shared_socket():
    """deploy.web.SharedSocketServer replaces it: the base server must still call it once at
    startup and hand the workers `_shd` (the socket) or `_ssp` (a spec each worker binds)."""
    source = inspect.getsource(granian_common.AbstractServer.startup)
    assert "self._init_shared_socket()" in source
    spawn = inspect.getsource(granian_mp.MPServer._spawn_worker)
    assert "((self._ssp, self._shd), self._sso)" in spawn
    server = web.server("127.0.0.1:0", 1, "warning")
    server._init_shared_socket()
    try:
        assert server._ssp is None and server._sso.fileno() == server._sfd and server._sso.get_inheritable()
    finally:
        server._sso.close()


def test_granian_respawns_workers_as_deploy_web_copies_it():
    """SharedSocketServer._respawn_workers is granian's own loop with a readiness wait in place
    of its sleep: an upgrade that changes the loop fails here, to be copied again."""
    source = inspect.getsource(granian_common.AbstractServer._respawn_workers)
    for step in (
        "old_wrk = self.wrks.pop(idx)",
        "wrk = self._spawn_worker(idx=idx, target=spawn_target, callback_loader=target_loader)",
        "self.wrks.insert(idx, wrk)",
        "time.sleep(delay)",
        "old_wrk.terminate()",
        "old_wrk.join(self.workers_kill_timeout)",
        "self._metrics.incr_spawn(len(workers))",
    ):
        assert step in source, step
    assert "self._respawn_workers(workers, spawn_target, target_loader, delay=self.respawn_interval)" in (
        inspect.getsource(granian_common.AbstractServer._reload)
    )


def test_granian_workers_inherit_the_main_processs_signal_handlers_until_they_set_their_own():
    """Why deploy.web.load_app restores the default SIGTERM: the main's handler, forked into a
    worker that is still building the app, would swallow it."""
    assert "set_main_signals(self.signal_handler_interrupt" in inspect.getsource(
        granian_common.AbstractServer.startup
    )
    wrapped = inspect.getsource(granian_mp.WorkerProcess.wrap_target)
    assert wrapped.index("callback = callback_loader()") < wrapped.index("return target(")
