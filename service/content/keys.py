"""API keys: random, shown once, stored as a hash, told apart by a visible prefix. The acts,
logged: issue_key and revoke_key (`create_key` makes a key and logs nothing)."""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.content.audit import Actor
from service.models import ApiKey, Role
from service.models.base import utcnow

# Each role may do everything the roles before it may.
ROLES = tuple(role.value for role in Role)
KEY_PREFIX = "cms_"
PREFIX_LENGTH = len(KEY_PREFIX) + 8  # "cms_" and 8 hex digits, then "_" and the secret
# A key written out anywhere (a URL, a header, a log line): its visible prefix, then its secret.
KEY_IN_TEXT = re.compile(rf"({KEY_PREFIX}[0-9a-f]{{8}})_[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class NewKey:
    key: ApiKey
    secret: str  # the whole key, to show once; only its hash is kept


def _hash(secret: str) -> str:
    # Keys carry 256 random bits, so a fast hash is safe: there is nothing to brute-force.
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(
    session: Session, name: str, role: str, expires_at: datetime | None = None, *, reviewer: bool = False
) -> NewKey:
    """A new key, unlogged: for issue_key, and for test and demo data; `reviewer` gives it the
    capability to decide reviews."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    prefix = KEY_PREFIX + secrets.token_hex(4)
    secret = f"{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey(
        name=name,
        prefix=prefix,
        secret_hash=_hash(secret),
        role=role,
        expires_at=expires_at,
        reviewer=reviewer,
    )
    session.add(key)
    session.flush()
    return NewKey(key, secret)


def authenticate(session: Session, secret: str, now: datetime | None = None) -> ApiKey | None:
    """The valid key this secret belongs to, or None (unknown, revoked or expired)."""
    prefix = secret[:PREFIX_LENGTH]
    key = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if key is None or not hmac.compare_digest(key.secret_hash, _hash(secret)):
        return None
    return key if _is_valid(key, now or utcnow()) else None


def list_keys(session: Session) -> list[ApiKey]:
    return list(session.scalars(select(ApiKey).order_by(ApiKey.id)))


def has_role(key: ApiKey, role: str) -> bool:
    return ROLES.index(key.role) >= ROLES.index(role)


class KeyConflict(Exception):
    """A change to keys that would leave the service without a way to manage it."""


def _is_valid(key: ApiKey, now: datetime) -> bool:
    return key.revoked_at is None and (key.expires_at is None or key.expires_at > now)


def issue_key(
    session: Session,
    name: str,
    role: str,
    expires_at: datetime | None = None,
    *,
    by: Actor,
    reviewer: bool = False,
) -> NewKey:
    """A new key, made by `by`. One made by a command (`flask create-key`, with no key to
    name) is logged as made by itself, with its name."""
    new = create_key(session, name, role, expires_at, reviewer=reviewer)
    if by.key is None:
        Actor.with_key(new.key).record(session, "key.created", name=name, role=role, reviewer=reviewer)
    else:
        by.record(session, "key.created", key_id=new.key.id, role=role, reviewer=reviewer)
    return new


def revoke_key(session: Session, key: ApiKey, *, by: Actor) -> None:
    """Revoke a key, unless it is the last valid admin key: then nobody could make keys again
    (short of the `create-key` command on the server). The valid admin keys are locked while
    counted, so two admins revoking each other at once cannot both succeed. Revoking a key
    that is not valid changes nothing but the log."""
    now = utcnow()
    if _is_valid(key, now):
        if key.role == Role.ADMIN:
            admins = session.scalars(select(ApiKey).where(ApiKey.role == Role.ADMIN).with_for_update())
            if not any(_is_valid(other, now) for other in admins if other.id != key.id):
                raise KeyConflict("this is the last active admin key: create another admin key first")
        key.revoked_at = now
    by.record(session, "key.revoked", key_id=key.id)


def redact_keys(text: str) -> str:
    """`text` with every key's secret cut off: what a log may say of a key is its prefix."""
    return KEY_IN_TEXT.sub(r"\1_[redacted]", text)
