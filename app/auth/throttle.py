"""Sign-in throttling: how many passwords one client may try, and how long it waits then.

Two counters answer each attempt:
- the e-mail *from this client address* (MAX_FAILURES), so an attacker's address is
  slowed down without locking the real user out from theirs;
- the address across every e-mail (ADDRESS_MAX_FAILURES, looser), against password
  spraying (one common password tried on many accounts).

Keys are keyed hashes (HMAC with SECRET_KEY) of the normalized e-mail and of the address:
the store never holds an e-mail, and an e-mail with no account is counted exactly like
one with, so answers and timing tell nothing about which accounts exist.

An attempt is *reserved* before its password is checked: one atomic step counts it (and
starts the wait when the count reaches the limit) unless the key is waiting, so however
many requests arrive at once, no more than the limit get a password checked. A right
password gives the reservations back. From the limit on, each failure starts a wait that
doubles (1, 2, 4 ... minutes, at most MAX_WAIT); a key with no attempt for WINDOW starts
over.

The counters live in the database (table `sign_in_throttle`), or in Redis when REDIS_URL
is set (one Lua script per attempt, atomic on the server), so several app servers share
them either way.
"""

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import redis
from flask import current_app
from sqlalchemy import String, case, delete, literal, null, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from app.db_types import UTCDateTime, utcnow
from app.extensions import db

MAX_FAILURES = 5  # per e-mail and address, before the first wait
ADDRESS_MAX_FAILURES = 30  # per address across e-mails
FIRST_WAIT = timedelta(minutes=1)  # doubled at each failure after the limit
MAX_WAIT = timedelta(minutes=60)
WINDOW = timedelta(hours=24)  # a key with no attempt for this long starts over


class SignInThrottle(db.Model):
    """One throttle key: an e-mail from one address, or one address across e-mails."""

    __tablename__ = "sign_in_throttle"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    # The e-mail's hash on e-mail-and-address keys, so an unlock finds every address.
    email_hash: Mapped[str | None] = mapped_column(String(32), index=True)
    failures: Mapped[int] = mapped_column(default=0)
    counted_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    waits_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


def wait_after(failures: int, limit: int) -> timedelta | None:
    """How long a key waits once `failures` attempts are counted; None below the limit."""
    if failures < limit:
        return None
    doublings = failures - limit
    if doublings >= 20:
        return MAX_WAIT
    return min(FIRST_WAIT * 2**doublings, MAX_WAIT)


@dataclass(frozen=True)
class Reservation:
    """One key's answer to an attempt."""

    key: str
    allowed: bool
    failures: int = 0  # the count with this attempt, when allowed
    wait: timedelta | None = None  # allowed: the wait it starts if it fails; else: time left

    @property
    def starts_wait(self) -> bool:
        return self.allowed and self.wait is not None


# --- Keys


def _digest(kind: str, value: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:32]


def normalized(email: str | None) -> str:
    return (email or "").strip().lower()


def email_hash(email: str | None) -> str:
    return _digest("email", normalized(email))


def account_key(email: str | None, address: str | None) -> str:
    return f"{email_hash(email)}.{_digest('address', address or '')}"


def address_key(address: str | None) -> str:
    return f"address.{_digest('address', address or '')}"


# --- Stores


class DatabaseStore:
    """Counters in the `sign_in_throttle` table; each call commits its own transaction."""

    def reserve(self, key: str, limit: int, email: str | None, now: datetime) -> Reservation:
        for _ in range(3):  # again when a right password or an unlock removed the row meanwhile
            reservation = self._reserve(key, limit, email, now)
            if reservation is not None:
                return reservation
        return Reservation(key, False, wait=timedelta(seconds=1))

    def _reserve(self, key, limit, email, now) -> Reservation | None:
        table = SignInThrottle.__table__
        insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
        db.session.execute(
            insert(table)
            .values(key=key, email_hash=email, failures=0, counted_at=now)
            .on_conflict_do_nothing(index_elements=["key"])
        )
        count = case((table.c.counted_at < _at(now - WINDOW), 0), else_=table.c.failures) + 1
        row = db.session.execute(
            update(table)
            .where(
                table.c.key == key,
                or_(table.c.waits_until.is_(None), table.c.waits_until <= _at(now)),
            )
            .values(failures=count, counted_at=now, waits_until=_waits_until(count, limit, now))
            .returning(table.c.failures)
        ).first()
        if row is None:
            until = db.session.scalar(select(table.c.waits_until).where(table.c.key == key))
            db.session.commit()
            if until is None:
                return None
            return Reservation(key, False, wait=max(until - now, timedelta(seconds=1)))
        db.session.commit()
        return Reservation(key, True, row.failures, wait_after(row.failures, limit))

    def give_back(self, key: str, limit: int) -> None:
        table = SignInThrottle.__table__
        below = table.c.failures - 1 < limit  # then the wait this attempt started goes too
        db.session.execute(
            update(table)
            .where(table.c.key == key, table.c.failures > 0)
            .values(
                failures=table.c.failures - 1,
                waits_until=case((below, null()), else_=table.c.waits_until),
            )
        )

    def reset(self, key: str) -> None:
        db.session.execute(delete(SignInThrottle).where(SignInThrottle.key == key))

    def forget_email(self, email: str) -> int:
        result = db.session.execute(
            delete(SignInThrottle).where(SignInThrottle.email_hash == email)
        )
        return result.rowcount

    def forget_key(self, key: str) -> int:
        return db.session.execute(delete(SignInThrottle).where(SignInThrottle.key == key)).rowcount

    def purge(self, now: datetime) -> None:
        """Drop keys that start over anyway (nothing counted for WINDOW, no wait left).
        Commits at once: no write may stay open while a password is checked."""
        db.session.execute(
            delete(SignInThrottle).where(
                SignInThrottle.counted_at < now - WINDOW,
                or_(SignInThrottle.waits_until.is_(None), SignInThrottle.waits_until < now),
            )
        )
        db.session.commit()


def _at(moment: datetime):
    return literal(moment, UTCDateTime())


def _waits_until(count, limit: int, now: datetime):
    """SQL for the end of the wait that `count` failures start (NULL below the limit)."""
    whens = [(count < limit, null())]
    failures = limit
    while (wait := wait_after(failures, limit)) < MAX_WAIT:
        whens.append((count == failures, _at(now + wait)))
        failures += 1
    return case(*whens, else_=_at(now + MAX_WAIT))


# One attempt on a key, atomic in Redis: refuse while the wait marker lives; else count,
# keep the counter for the window, and start the wait when the count reaches the limit.
# KEYS: counter, wait marker. ARGV: limit, window ms, first wait ms, max wait ms.
# Returns {allowed, failures, wait ms}.
_RESERVE_LUA = """
local left = redis.call('PTTL', KEYS[2])
if left > 0 then return {0, 0, left} end
local n = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
local limit = tonumber(ARGV[1])
if n < limit then return {1, n, 0} end
local wait = tonumber(ARGV[4])
if n - limit < 20 then wait = math.min(tonumber(ARGV[3]) * 2 ^ (n - limit), wait) end
redis.call('SET', KEYS[2], '1', 'PX', wait)
return {1, n, wait}
"""
# KEYS: counter, wait marker. ARGV: limit.
_GIVE_BACK_LUA = """
if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then
  if redis.call('DECR', KEYS[1]) < tonumber(ARGV[1]) then redis.call('DEL', KEYS[2]) end
end
"""


class RedisStore:
    """Counters in Redis, under REDIS_KEY_PREFIX; nothing to commit."""

    def __init__(self, url: str, prefix: str):
        self.client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        self.prefix = prefix
        self._reserve = self.client.register_script(_RESERVE_LUA)
        self._give_back = self.client.register_script(_GIVE_BACK_LUA)

    def _names(self, key: str) -> list[str]:
        return [f"{self.prefix}{key}", f"{self.prefix}{key}.wait"]

    def reserve(self, key: str, limit: int, email: str | None, now: datetime) -> Reservation:
        window, first, longest = (
            int(span.total_seconds() * 1000) for span in (WINDOW, FIRST_WAIT, MAX_WAIT)
        )
        allowed, failures, wait_ms = self._reserve(
            keys=self._names(key), args=[limit, window, first, longest]
        )
        wait = timedelta(milliseconds=int(wait_ms)) if wait_ms else None
        return Reservation(key, bool(allowed), int(failures), wait)

    def give_back(self, key: str, limit: int) -> None:
        self._give_back(keys=self._names(key), args=[limit])

    def reset(self, key: str) -> None:
        self.client.delete(*self._names(key))

    def forget_email(self, email: str) -> int:
        names = list(self.client.scan_iter(match=f"{self.prefix}{email}.*", count=500))
        counters = [name for name in names if not name.endswith(b".wait")]
        if names:
            self.client.delete(*names)
        return len(counters)

    def forget_key(self, key: str) -> int:
        return min(1, self.client.delete(*self._names(key)))

    def purge(self, now: datetime) -> None:
        """Redis expires keys itself."""


def store() -> DatabaseStore | RedisStore:
    """The app's store: Redis when REDIS_URL is set, else the database."""
    app = current_app._get_current_object()
    found = app.extensions.get("sign_in_throttle")
    if found is None:
        url = app.config.get("REDIS_URL")
        if url:
            prefix = app.config.get("REDIS_KEY_PREFIX") or "partnership:sign-in:"
            found = RedisStore(url, prefix)
        else:
            found = DatabaseStore()
        app.extensions["sign_in_throttle"] = found
    return found


# --- One sign-in attempt


@dataclass(frozen=True)
class Attempt:
    """The reservations of one allowed attempt; settled once its password is checked."""

    account: Reservation
    address: Reservation


class Throttled(Exception):
    def __init__(self, wait: timedelta):
        super().__init__(wait)
        self.wait = wait

    @property
    def retry_after(self) -> int:
        """Whole seconds, for the Retry-After header."""
        return max(1, math.ceil(self.wait.total_seconds()))

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.wait.total_seconds() / 60))


def begin(email: str | None, address: str | None, now: datetime | None = None) -> Attempt:
    """Reserve an attempt for `email` from `address`, or raise Throttled with the wait.

    The e-mail-and-address key is asked first, so attempts it refuses do not count
    against the address across e-mails; an attempt the address refuses stays counted for
    the e-mail from that address (only there)."""
    now = now or utcnow()
    backend = store()
    account = backend.reserve(account_key(email, address), MAX_FAILURES, email_hash(email), now)
    if not account.allowed:
        raise Throttled(account.wait)
    spread = backend.reserve(address_key(address), ADDRESS_MAX_FAILURES, None, now)
    if not spread.allowed:
        raise Throttled(spread.wait)
    if account.starts_wait or spread.starts_wait:
        backend.purge(now)
    return Attempt(account, spread)


def succeeded(attempt: Attempt) -> None:
    """A right password: the e-mail starts over from this address, and the attempt no
    longer counts against the address. The caller commits."""
    backend = store()
    backend.reset(attempt.account.key)
    backend.give_back(attempt.address.key, ADDRESS_MAX_FAILURES)


def forget(email: str | None, address: str | None = None) -> int:
    """Clear every counter of `email` (from every address), and of `address` across
    e-mails when given; how many counters were cleared. The caller commits."""
    backend = store()
    cleared = backend.forget_email(email_hash(email))
    if address:
        cleared += backend.forget_key(address_key(address))
    return cleared
