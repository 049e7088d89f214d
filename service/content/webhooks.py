"""Webhooks: an outbox written with each change, and a worker that signs and sends it.

A delivery row is added in the same transaction as the change (`announce`, called by each act
that alters delivery), so an event is never lost nor sent for a change that rolled back;
sending happens later, outside any request, so a slow or failing endpoint never holds up the
change. Deliveries are signed the Standard Webhooks way (webhook-id, webhook-timestamp,
webhook-signature), through the `standardwebhooks` package, with every secret still valid."""

import base64
import binascii
import json
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from standardwebhooks import Webhook as Signer

from service.content import purging, targets
from service.content.audit import Actor
from service.models import Article, DeliveryStatus, Webhook, WebhookAttempt, WebhookDelivery, WebhookEvent
from service.models.base import utcnow

EVENTS = tuple(WebhookEvent)
# Changes to what any list of articles holds: their lists are purged too.
LIST_EVENTS = frozenset(
    {WebhookEvent.ARTICLE_PUBLISHED, WebhookEvent.ARTICLE_UNPUBLISHED, WebhookEvent.ARTICLE_DELETED}
)
SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
# Session.info key: while a release publishes, the events its acts raise are gathered here, to
# go out as one release.published naming everything it changed (see gathered_events).
GATHERED = "webhook_events_gathered"
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=30)  # then 1, 2, 4... minutes: about an hour in all
# While one worker sends a delivery, others leave it alone; if that worker dies, it is retried.
LEASE = timedelta(seconds=60)
TIMEOUT_SECONDS = 5.0
# How long a rotated-out secret still signs, unless the rotation says otherwise.
ROTATION_OVERLAP = timedelta(hours=24)


@dataclass(frozen=True)
class SendOutcome:
    delivery_id: int
    status: str  # delivered, pending (will retry) or failed (gave up)
    status_code: int | None


def new_secret() -> str:
    """A Standard Webhooks secret: `whsec_` and the base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def create_webhook(session: Session, url: str, events: list[str], description: str | None) -> Webhook:
    webhook = Webhook(url=url, events=sorted(set(events)), secret=new_secret(), description=description)
    session.add(webhook)
    session.flush()
    return webhook


def rotate_secret(session: Session, webhook: Webhook, overlap: timedelta, *, by: Actor) -> Webhook:
    """A new secret for the webhook; the old one signs too for `overlap`, while the receiver
    moves to the new one (a receiver checks that any one signature matches)."""
    webhook.previous_secret, webhook.secret = webhook.secret, new_secret()
    webhook.previous_secret_expires_at = utcnow() + overlap
    by.record(
        session,
        "webhook.secret_rotated",
        webhook=webhook.id,
        previous_valid_until=str(webhook.previous_secret_expires_at.isoformat()),
    )
    return webhook


def signing_secrets(webhook: Webhook, now: datetime) -> list[str]:
    """The current secret, and the previous one while its overlap lasts."""
    valid = [webhook.secret]
    expires_at = webhook.previous_secret_expires_at
    if webhook.previous_secret and expires_at is not None and now < expires_at:
        valid.append(webhook.previous_secret)
    return valid


def _signer(secret: str) -> Signer:
    """standardwebhooks' signer for a secret. One made before Standard Webhooks signing (not
    base64) signs with its bytes as they are: rotate it, for a receiver's library to read it."""
    try:
        return Signer(secret)
    except (binascii.Error, ValueError):
        return Signer(secret.encode())


def signed_headers(webhook: Webhook, message_id: str, body: str, now: datetime) -> dict[str, str]:
    """webhook-id, webhook-timestamp and webhook-signature: `v1,<base64>` for each valid secret,
    space-separated, as the Standard Webhooks specification lists them."""
    signatures = " ".join(
        _signer(secret).sign(message_id, now, body) for secret in signing_secrets(webhook, now)
    )
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signatures,
    }


def announce(
    session: Session,
    event: WebhookEvent,
    *,
    article: Article | None = None,
    revision: int | None = None,
    site: str | None = None,
    experiment: str | None = None,
    purge_keys: Iterable[str] = (),
    **details: Any,
) -> None:
    """Queue `event` for every webhook that listens for it, in the caller's transaction: what
    changed (`details` say more: a failed schedule's reason, a release's changes), and the
    surrogate keys of every delivery answer it makes stale (`purge_keys`, those it names too).
    Within gathered_events, the event is gathered instead."""
    data: dict[str, Any] = {}
    purge = []
    if article is not None:
        data["article"] = {
            "id": article.id,
            "slug": article.slug,
            "locale": article.locale,
            "revision": revision,
        }
    if site is not None:
        data["site"] = {"key": site}
        purge.append(
            purging.site_key(site) if article is None else purging.site_article_key(site, article.id)
        )
    elif article is not None:
        purge.append(purging.article_key(article.id))
    if experiment is not None:
        data["experiment"] = {"key": experiment}
        purge.append(purging.experiment_key(experiment))
    if event in LIST_EVENTS:
        purge.append(purging.LISTS)
    purge += [key for key in purge_keys if key not in purge]
    payload = {
        "type": event.value,
        "timestamp": utcnow().isoformat(),
        "data": data | details | {"purge_keys": purge},
    }
    if GATHERED in session.info:
        session.info[GATHERED].append(payload)
        return
    for webhook in session.scalars(select(Webhook)):
        if event in webhook.events:
            session.add(WebhookDelivery(webhook_id=webhook.id, event=event.value, payload=payload))


@contextmanager
def gathered_events(session: Session) -> Iterator[list[dict[str, Any]]]:
    """Within: the events announced are gathered in the list yielded instead of queued (a
    release sends them as one)."""
    session.info[GATHERED] = gathered = []
    try:
        yield gathered
    finally:
        del session.info[GATHERED]


def _lease_next(session: Session, now: datetime, tried: set[int]) -> WebhookDelivery | None:
    """Take the oldest due delivery for LEASE, unless another worker just did; commit the
    lease, so no transaction stays open while we wait on the network."""
    while True:
        delivery = session.scalar(
            select(WebhookDelivery)
            .where(
                WebhookDelivery.status == DeliveryStatus.PENDING,
                WebhookDelivery.next_attempt_at <= now,
                WebhookDelivery.id.not_in(tried),
            )
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if delivery is None:
            return None
        tried.add(delivery.id)
        leased = session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == delivery.id, WebhookDelivery.next_attempt_at <= now)
            .values(next_attempt_at=now + LEASE)
            .execution_options(synchronize_session=False)
        )
        session.commit()
        if leased.rowcount == 1:
            return delivery


def _request(webhook: Webhook, delivery: WebhookDelivery, now: datetime) -> tuple[str, bytes, dict[str, str]]:
    """The signed request for one delivery, as plain values (read before the network wait).
    Its webhook-id is the delivery's, the same on every retry, for receivers to drop repeats."""
    body = json.dumps(delivery.payload)
    headers = {"Content-Type": "application/json", **signed_headers(webhook, f"msg_{delivery.id}", body, now)}
    return webhook.url, body.encode(), headers


def _post_to(client: httpx.Client, target: targets.Target, body: bytes, headers: dict[str, str]) -> int:
    """POST to the target's checked addresses, in the resolver's order, until one connects.
    The URL names the address, so nothing resolves the host again; the Host header and TLS
    (SNI, the certificate's name) still say the host. The answer's body is never read."""
    named = {"sni_hostname": target.url.host} if target.is_named else {}
    for address in target.addresses:
        try:
            with client.stream(
                "POST",
                target.url.copy_with(host=str(address)),
                content=body,
                headers={**headers, "Host": target.url.netloc.decode()},
                extensions=named,
            ) as response:
                return response.status_code
        except (httpx.ConnectError, httpx.ConnectTimeout) as error:
            unreachable = error  # then the next address, as socket.create_connection does
    raise unreachable


def _post(
    client: httpx.Client, url: str, body: bytes, headers: dict[str, str], allow_private: bool
) -> tuple[int | None, str | None]:
    """The status code, and what went wrong: never the receiver's answer, which would let
    webhooks read (or map) whatever they reach."""
    try:
        target = targets.resolve(url)
        status_code = _post_to(client, target if allow_private else targets.check(target), body, headers)
    except targets.TargetRefused as refused:
        return None, f"Refused: {refused}"
    except Exception as error:  # whatever one endpoint does, the worker goes on to the next
        return None, f"{type(error).__name__}: {error}"[:500]
    if 200 <= status_code < 300:
        return status_code, None
    return status_code, f"HTTP {status_code}"


def send_due(
    session: Session, now: Callable[[], datetime] = utcnow, allow_private: bool = False
) -> list[SendOutcome]:
    """Send every delivery due now, once each; retry failures later, give up after MAX_ATTEMPTS.
    Only to public addresses unless `allow_private` (WEBHOOK_ALLOW_PRIVATE_TARGETS)."""
    outcomes = []
    tried: set[int] = set()
    # A transport of our own: straight to the checked address (no proxy from the environment
    # would connect to it), and no keep-alive, since connections are pooled by address and one
    # made for a host (its TLS name checked) must not carry another host's request.
    transport = httpx.HTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))
    with httpx.Client(transport=transport, timeout=TIMEOUT_SECONDS, follow_redirects=False) as client:
        while (delivery := _lease_next(session, now(), tried)) is not None:
            request = _request(session.get(Webhook, delivery.webhook_id), delivery, now())
            session.commit()  # ends the reads: no transaction (or SQLite lock) waits on the network
            started = time.monotonic()
            status_code, error = _post(client, *request, allow_private)
            session.add(
                WebhookAttempt(
                    delivery_id=delivery.id,
                    status_code=status_code,
                    error=error,
                    duration_ms=round((time.monotonic() - started) * 1000),
                )
            )
            delivery.attempts += 1
            if error is None:
                delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED, now()
            elif delivery.attempts >= MAX_ATTEMPTS:
                delivery.status = DeliveryStatus.FAILED
            else:
                delivery.next_attempt_at = now() + FIRST_RETRY * 2 ** (delivery.attempts - 1)
            session.commit()
            outcomes.append(SendOutcome(delivery.id, delivery.status, status_code))
    return outcomes


def list_webhooks(session: Session) -> list[Webhook]:
    return list(session.scalars(select(Webhook).order_by(Webhook.id)))


def deliveries_of(session: Session, webhook: Webhook) -> list[WebhookDelivery]:
    return list(
        session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.webhook_id == webhook.id)
            .order_by(WebhookDelivery.id.desc())
        )
    )


def attempts_of(session: Session, delivery_ids: list[int]) -> dict[int, list[WebhookAttempt]]:
    attempts: dict[int, list[WebhookAttempt]] = {delivery_id: [] for delivery_id in delivery_ids}
    for attempt in session.scalars(
        select(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(delivery_ids)).order_by(WebhookAttempt.id)
    ):
        attempts[attempt.delivery_id].append(attempt)
    return attempts
