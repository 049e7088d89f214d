"""Media: the renditions of uploaded images, public, at URLs that never change what they
answer (the address is the bytes' SHA-256), so browsers and CDNs keep them for a year."""

from flask import Response, request
from flask.views import MethodView

from service.api.blueprint import ServiceBlueprint
from service.content.assets import AssetNotFound, Blobs, find_rendition
from service.content.images import EXTENSIONS
from service.extensions import db

blp = ServiceBlueprint(
    "Media",
    __name__,
    url_prefix="/v1/media",
    description="Images' renditions for clinic frontends: public, immutable, cacheable for ever.",
)
IMMUTABLE = "public, max-age=31536000, immutable"
EXTENSION_PATTERN = "any(" + ", ".join(sorted(set(EXTENSIONS.values()))) + ")"


@blp.route(f"/<digest:digest>.<{EXTENSION_PATTERN}:extension>")
class MediaFile(MethodView):
    @blp.response(
        200,
        {"type": "string", "format": "binary"},
        content_type="image/webp",
        description="The image, in the format its extension names (image/jpeg, image/png, "
        "image/webp or image/avif); `Cache-Control: public, max-age=31536000, immutable` and "
        "a strong ETag (the digest).",
        example="(the image's bytes)",
    )
    @blp.alt_response(304, description="The copy the client holds (If-None-Match) is this one.")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.doc(operationId="getMedia")
    def get(self, digest, extension):
        """Get an image rendition

        Its URL comes from an asset's `renditions`, or from an article's image (`src`,
        `srcset`).
        """
        rendition = find_rendition(db.session, digest)
        data = Blobs(db.session).get(digest)
        if data is None or EXTENSIONS[rendition.media_type] != extension:
            raise AssetNotFound(f"there is no image {digest}.{extension}")
        response = Response(data, mimetype=rendition.media_type)
        response.set_etag(digest)
        response.headers["Cache-Control"] = IMMUTABLE
        return response.make_conditional(request)
