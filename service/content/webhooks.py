"""Webhooks: an outbox written with each change, and a worker that signs and sends it.

A delivery row is added in the same transaction as the publish (or unpublish, or delete), so
an event is never lost nor sent for a change that rolled back; sending happens later, outside
any request, so a slow or failing endpoint never holds up publishing."""

import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service.content import targets
from service.models import Article, DeliveryStatus, Webhook, WebhookAttempt, WebhookDelivery
from service.models.base import utcnow

EVENTS = (
    "article.published",
    "article.unpublished",
    "article.deleted",
    "schedule.failed",
    "release.published",
)
# Session.info key: while a release publishes, the events its acts raise are gathered here, to
# go out as one release.published naming everything it changed (see gathered_events).
GATHERED = "webhook_events_gathered"
SIGNATURE_HEADER = "X-CMS-Signature"
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=30)  # then 1, 2, 4... minutes: about an hour in all
# While one worker sends a delivery, others leave it alone; if that worker dies, it is retried.
LEASE = timedelta(seconds=60)
TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class SendOutcome:
    delivery_id: int
    status: str  # delivered, pending (will retry) or failed (gave up)
    status_code: int | None


def create_webhook(session: Session, url: str, events: list[str], description: str | None) -> Webhook:
    webhook = Webhook(
        url=url,
        events=sorted(set(events)),
        secret=f"whsec_{secrets.token_urlsafe(32)}",
        description=description,
    )
    session.add(webhook)
    session.flush()
    return webhook


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """`t=<unix time>,v1=<hex HMAC-SHA256 of "<t>." + body>`: the receiver recomputes it with
    the secret, and rejects old timestamps to stop replays."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def enqueue(
    session: Session, event: str, article: Article | None, revision: int | None = None, **details: Any
) -> None:
    """Add one delivery per webhook that listens for this event, in the caller's transaction;
    `details` say more of the event (a failed schedule's id and reason, a release's changes).
    Within gathered_events, the event is gathered instead."""
    payload: dict[str, Any] = {"event": event, "occurred_at": utcnow().isoformat()}
    if article is not None:
        payload["article"] = {
            "id": article.id,
            "slug": article.slug,
            "locale": article.locale,
            "revision": revision,
        }
    payload |= details
    if GATHERED in session.info:
        session.info[GATHERED].append(payload)
        return
    for webhook in session.scalars(select(Webhook)):
        if event in webhook.events:
            session.add(WebhookDelivery(webhook_id=webhook.id, event=event, payload=payload))


@contextmanager
def gathered_events(session: Session) -> Iterator[list[dict[str, Any]]]:
    """Within: the events enqueued are gathered in the list yielded instead of queued (a
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


def _request(webhook: Webhook, delivery: WebhookDelivery) -> tuple[str, bytes, dict[str, str]]:
    """The signed request for one delivery, as plain values (read before the network wait)."""
    body = json.dumps({"id": delivery.id, **delivery.payload}).encode()
    headers = {
        "Content-Type": "application/json",
        "X-CMS-Event": delivery.event,
        "X-CMS-Delivery": str(delivery.id),
        SIGNATURE_HEADER: signature(webhook.secret, int(time.time()), body),
    }
    return webhook.url, body, headers


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
            request = _request(session.get(Webhook, delivery.webhook_id), delivery)
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
