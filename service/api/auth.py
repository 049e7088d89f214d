"""Bearer API keys for the management API: a blueprint whose views declare the role they need."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, g, request
from flask_smorest import abort

from service.api.blueprint import ServiceBlueprint
from service.api.limits import count_failure, refuse_when_over
from service.content.audit import Actor
from service.content.keys import authenticate, has_role
from service.content.reviews import ReviewPolicy
from service.extensions import db
from service.models import ApiKey, Capability
from service.telemetry import KEY_PREFIX

BEARER_SCHEME = "bearerAuth"
BODY_TYPES = ("application/json", "application/merge-patch+json")


def current_key(role: str, capability: Capability | None = None) -> ApiKey:
    """The request's valid API key, if it has `role` (and `capability`); 401 or 403 otherwise."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        abort(
            401,
            message="Send an API key: Authorization: Bearer <key>.",
            headers={"WWW-Authenticate": 'Bearer realm="cms"'},
        )
    refuse_when_over("failed_auth", count=False)
    key = authenticate(db.session, secret.strip())
    if key is None:
        count_failure("failed_auth")
        abort(
            401,
            message="The API key is unknown, revoked or expired.",
            headers={"WWW-Authenticate": 'Bearer realm="cms", error="invalid_token"'},
        )
    request.environ[KEY_PREFIX] = key.prefix  # for the access line
    if not has_role(key, role):
        abort(403, message=f"This needs the {role} role; the key {key.prefix} is {key.role}.")
    if capability is not None and not getattr(key, capability):
        abort(403, message=f"This needs a key with the {capability} capability; {key.prefix} has not.")
    return key


def actor() -> Actor:
    """Who the request acts as, for the use case to log: the key `@blp.requires` checked."""
    return Actor.with_key(g.api_key)


def review_policy() -> ReviewPolicy:
    """The review rules the app is configured with (REVIEW_REQUIRED, REVIEW_FOUR_EYES)."""
    return ReviewPolicy.from_config(current_app.config)


class ManagementBlueprint(ServiceBlueprint):
    """A blueprint for authenticated resources: `@blp.requires(role)` checks the key and
    documents the role (and a capability, `x-required-capability`), the bearer scheme and the
    401/403 answers on the operation."""

    BODY_ERRORS = ((400, "BAD_REQUEST"), (413, "REQUEST_ENTITY_TOO_LARGE"), (415, "UNSUPPORTED_MEDIA_TYPE"))

    def requires(
        self,
        role: str,
        capability: Capability | None = None,
        *,
        body_types: tuple[str, ...] = BODY_TYPES,
        max_body: str | None = None,
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """`body_types`: the media types a body may have; `max_body`: the setting that limits
        its size here, where it is not MAX_CONTENT_LENGTH (an image upload's)."""

        def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
            @wraps(view)
            def checked(*args: Any, **kwargs: Any) -> Any:
                g.api_key = current_key(role, capability)
                if max_body is not None:
                    request.max_content_length = current_app.config[max_body]
                refuse_unexpected_bodies(body_types)
                return view(*args, **kwargs)

            summary, _, description = (view.__doc__ or "").strip().partition("\n")
            needs = f"**Role: {role}** or above" + (
                f", with the **{capability}** capability" if capability else ""
            )
            checked.__doc__ = f"{summary}\n\n{needs}. {description.strip()}"
            extensions = {"x-required-role": role} | (
                {"x-required-capability": capability} if capability else {}
            )
            documented = self.doc(security=[{BEARER_SCHEME: []}], **extensions)(checked)
            documented = self.alt_response(401, response="UNAUTHORIZED")(documented)
            documented = self.alt_response(429, response="TOO_MANY_REQUESTS")(documented)
            return self.alt_response(403, response="FORBIDDEN")(documented)

        return decorator

    def arguments(self, schema: Any, *, location: str = "json", **kwargs: Any) -> Callable[..., Any]:
        """flask-smorest's, also documenting what a JSON body can be refused for."""
        parse = super().arguments(schema, location=location, **kwargs)
        if location != "json":
            return parse

        def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
            parsed = parse(view)
            if kwargs.get("required", True):
                # A required body that is missing is a bad request, found before anything else
                # (If-Match included): webargs would otherwise read it as an empty object.
                @wraps(parsed)
                def body_first(*args: Any, **kwargs_: Any) -> Any:
                    if not request.get_data(cache=True):
                        abort(400, message="This operation needs a JSON body.")
                    return parsed(*args, **kwargs_)

                view = body_first
            else:
                view = parsed
            for status, name in self.BODY_ERRORS:
                view = self.alt_response(status, response=name)(view)
            return view

        return decorator


def refuse_unexpected_bodies(body_types: tuple[str, ...]) -> None:
    """A body of another type (not JSON, mostly) is a 415, rather than a confusing 'missing
    field' 422."""
    if request.content_length and request.mimetype not in body_types:
        abort(
            415, message=f"Send the body as {' or '.join(body_types)}, not {request.mimetype or 'untyped'}."
        )
