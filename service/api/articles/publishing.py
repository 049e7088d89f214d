"""Publishing and unpublishing an article's draft."""

from flask.views import MethodView

from service.api.articles.preconditions import article_for_write, change_docs
from service.api.articles.resource import blp, draft_reply
from service.api.articles_schemas import PublishSchema
from service.api.auth import actor, review_policy
from service.content.publishing import publish_article, unpublish_article
from service.extensions import db
from service.models import Role


@blp.route("/<id:article_id>/publish")
class Publish(MethodView):
    @blp.requires(Role.PUBLISHER)
    @blp.arguments(PublishSchema)
    @change_docs("publishArticle", errors=(404, 409, 412, 428))
    def post(self, options, article_id):
        """Publish the draft

        Freezes it as the next numbered revision, which delivery serves from now on. The
        draft can then change freely without touching what visitors see. With
        REVIEW_REQUIRED (the default), only a draft a reviewer approved as it is now (409
        otherwise).
        """
        article, version = article_for_write(article_id)
        publish_article(
            db.session,
            article,
            by=actor(),
            expected_version=version,
            note=options.get("note"),
            policy=review_policy(),
        )
        db.session.commit()
        return draft_reply(article)


@blp.route("/<id:article_id>/unpublish")
class Unpublish(MethodView):
    @blp.requires(Role.PUBLISHER)
    @change_docs("unpublishArticle", errors=(404, 412, 428))
    def post(self, article_id):
        """Unpublish

        Delivery stops serving the article (404); its history stays.
        """
        article, version = article_for_write(article_id)
        unpublish_article(db.session, article, by=actor(), expected_version=version)
        db.session.commit()
        return draft_reply(article)
