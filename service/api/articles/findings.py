"""An article's health-claim findings (the draft's, or a revision's), and a reviewer's
override of the blocking ones."""

from flask.views import MethodView

from service.api.articles.preconditions import IF_MATCH, RESPONSE_NAMES, article_for_write
from service.api.articles.resource import blp, draft_etag
from service.api.articles.revisions import revision_or_404
from service.api.auth import actor
from service.api.findings_schemas import (
    FINDINGS_EXAMPLE,
    OVERRIDE_EXAMPLE,
    FindingsSchema,
    OverrideRequestSchema,
    OverrideSchema,
)
from service.api.lookup import article_or_404
from service.content.guardrails.gate import findings_report, override_findings
from service.extensions import db
from service.models import Capability, Role
from service.openapi import EXTRA_PARAMETERS


@blp.route("/<id:article_id>/findings")
class Findings(MethodView):
    @blp.requires(Role.VIEWER)
    @blp.response(200, FindingsSchema, example=FINDINGS_EXAMPLE)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="listFindings")
    def get(self, article_id):
        """List the draft's findings

        Every health-claim finding on the draft, as written and as each site and each
        experiment variant renders it: rule, severity, path, matched text and offsets, why,
        and a suggested rewrite. `gate` says whether publishing would pass.
        """
        return findings_report(db.session, article_or_404(article_id))


@blp.route("/<id:article_id>/revisions/<id:number>/findings")
class RevisionFindings(MethodView):
    @blp.requires(Role.VIEWER)
    @blp.response(200, FindingsSchema, example=FINDINGS_EXAMPLE | {"revision": 1})
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="listRevisionFindings")
    def get(self, article_id, number):
        """List a revision's findings

        The same check on a published revision, under the rules in force now.
        """
        article = article_or_404(article_id)
        return findings_report(db.session, article, revision_or_404(article, number))


@blp.route("/<id:article_id>/findings/override")
class Override(MethodView):
    @blp.requires(Role.VIEWER, Capability.REVIEWER)
    @blp.arguments(OverrideRequestSchema)
    @blp.response(201, OverrideSchema, example=OVERRIDE_EXAMPLE)
    @blp.doc(operationId="overrideFindings", **{EXTRA_PARAMETERS: [IF_MATCH]})
    @blp.alt_response(404, response=RESPONSE_NAMES[404])
    @blp.alt_response(409, response=RESPONSE_NAMES[409])
    @blp.alt_response(412, response=RESPONSE_NAMES[412])
    @blp.alt_response(428, response=RESPONSE_NAMES[428])
    def post(self, data, article_id):
        """Override the blocking findings

        Lets the draft (and an experiment on what is published) go out with the blocking
        findings it has now, for the reason given: logged, kept with this version, named by
        the revision it lets through. A finding whose text changes needs a new override.
        The answer's ETag is the draft's new one.
        """
        article, version = article_for_write(article_id)
        override = override_findings(
            db.session, article, reason=data["reason"], by=actor(), expected_version=version
        )
        db.session.commit()
        return override, 201, {"ETag": f'"{draft_etag(article)}"'}
