"""The `kanal` command's argument types: a value the command cannot use is refused by argparse
with one line naming the argument (`kanal …: error: argument --store: …`, exit 2) before
anything runs, where a number too large for a column or a socket stopped the command with a
traceback, or a negative interval made the worker spin. A value a service checks (a region, a
timezone, a webhook's URL or event pattern) is checked here by the same function, so a bad one
is an argument error too, where it stopped the command with `error: …` and exit status 1. So
are options that do not go together (`refuses`)."""

from __future__ import annotations

import argparse
import ipaddress
import math
import re
from collections.abc import Callable
from functools import partial
from typing import TypeVar

from app.config import MAX_RATE_LIMIT_PER_MINUTE, MAX_RECOVERY_DELAY_MINUTES, MAX_WORKER_INTERVAL_SECONDS
from app.domain.rules.consent_policy import Requirement
from app.domain.text import is_safe
from app.policies.ids import MAX_ID, id_or_none
from app.services import stores, webhooks

T = TypeVar("T")

MAX_PORT = 65535  # a TCP port is 16 bits; 0 asks the system for any, which no one could then reach
MAX_SERVER_PROCESSES = 64
MAX_LABEL = 255  # the name and team columns of stores and keys (VARCHAR(255))
# ASCII figures only: Python's int() and float() also read "8_080" and other scripts' digits.
_WHOLE = re.compile(r"\s*[+-]?[0-9]+\s*")
# Past this many significant figures a number is out of every range here, and Python's int()
# refuses more than 4,300 of them (a ValueError argparse reported as "invalid int value").
_LONGEST = 20
_NUMBER = re.compile(r"\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\s*")
# `kanal stores set-consent-policy --cart-recovery/--shipping-notification` (argparse's choices).
REQUIREMENTS = [requirement.value for requirement in Requirement]


# What a subcommand's options that do not go together are (its words), None when they go.
Refusal = Callable[[argparse.Namespace], str | None]


def refuses(parser: argparse.ArgumentParser, refusal: Refusal) -> None:
    """Options of `parser` that do not go together are refused as a value it cannot use is
    (`check_combination`): argparse's usage line of that subcommand and `kanal …: error: …`,
    exit status 2 (argparse's status for a usage error), before anything runs."""
    parser.set_defaults(combination=partial(_combination, parser, refusal))


def check_combination(args: argparse.Namespace) -> None:
    """Ends `kanal` (SystemExit 2, `ArgumentParser.error`) when the parsed subcommand's options
    do not go together, as `refuses` said."""
    check = getattr(args, "combination", None)
    if check is not None:
        check(args)


def _combination(parser: argparse.ArgumentParser, refusal: Refusal, args: argparse.Namespace) -> None:
    message = refusal(args)
    if message is not None:
        parser.error(message)


def record_id(text: str) -> int:
    """A store, webhook or event id: a whole number from 0 to 2^63 - 1, as every id column holds
    (`app.policies.ids`). Raises argparse.ArgumentTypeError."""
    value = id_or_none(text.strip())
    if value is None:
        raise argparse.ArgumentTypeError(f"must be a whole number from 0 to {MAX_ID}, got {text!r}")
    return value


def team(text: str) -> str:
    """`--team` of `kanal stores create` and `kanal keys create`: a `label`; an empty one would
    make a team of stores named by nothing. Raises argparse.ArgumentTypeError."""
    return _label(text, "a team is named by at least one character other than a space; leave --team out for none")


def label(text: str) -> str:
    """A store's name (`kanal stores create --name`) or a key's (`kanal keys create --name`): at
    least one character other than a space, at most `MAX_LABEL`, kept as written. Raises
    argparse.ArgumentTypeError."""
    return _label(text, "a name has at least one character other than a space")


def _label(text: str, blank: str) -> str:
    # The name and team columns hold 255 characters: a longer one was PostgreSQL's traceback.
    # A NUL, or a lone surrogate (an argument whose bytes are not UTF-8), no engine stores.
    if not text.strip():
        raise argparse.ArgumentTypeError(blank)
    if len(text) > MAX_LABEL:
        raise argparse.ArgumentTypeError(f"at most {MAX_LABEL} characters, got {len(text):,}")
    if not is_safe(text):
        raise argparse.ArgumentTypeError("a NUL character or bytes that are not UTF-8 cannot be stored")
    return text


def region(text: str) -> str:
    """`kanal stores create --region`: an ISO 3166 alpha-2 code (`stores.check_region`), in
    capitals. Raises argparse.ArgumentTypeError."""
    return _checked(stores.check_region, text)


def timezone(text: str) -> str:
    """A store's IANA timezone (`stores.check_timezone`). Raises argparse.ArgumentTypeError."""
    return _checked(stores.check_timezone, text)


def webhook_url(text: str) -> str:
    """`kanal webhooks add --url`: one a POST can reach, a webhook may hold
    (`webhooks.check_webhook_url`). Raises argparse.ArgumentTypeError."""
    return _checked(webhooks.check_webhook_url, text)


def server_url(text: str) -> str:
    """`kanal import --url`: a running server's, one a POST can reach, by the webhook URL's
    check (`webhooks.check_url`), so that `notaurl` or an ftp:// URL is refused before the
    import starts (no state file, no report); nor may it carry a query (`?x=1`) or a fragment
    (`#top`), which the batch path added after it would have been taken into
    (`…/?x=1/api/v1/stores/123/orders/batch`). Raises argparse.ArgumentTypeError."""
    url = _checked(partial(webhooks.check_url, what="The server URL"), text)
    if "?" in url or "#" in url:  # past the checks above, only a query or a fragment holds one
        raise argparse.ArgumentTypeError(
            f"The server URL takes no query (?…) or fragment (#…): the batch paths go after it: {url!r}."
        )
    return url


def event_pattern(text: str) -> str:
    """One of `kanal webhooks add --events`: a pattern matching some event type
    (`webhooks.check_patterns`). Raises argparse.ArgumentTypeError."""
    return _checked(webhooks.check_patterns, [text])[0]


def _checked(check: Callable[[T], T], value: T) -> T:
    # The service's own check and wording: the command and the service never disagree.
    try:
        return check(value)
    except ValueError as exc:  # StoreError
        raise argparse.ArgumentTypeError(str(exc)) from None


def listen_host(text: str) -> str:
    """`kanal serve --host`: a name or address, an IPv6 one bare (`::1`) or in a URL's brackets
    (`[::1]`, RFC 3986 §3.2.2's IP-literal, as it is written beside a port), taken bare: the
    socket's address has none. Whether this machine has it, `app.listen` says. Raises
    argparse.ArgumentTypeError for an empty one (uvicorn listened on every interface), a URL,
    one with a port (`127.0.0.1:8000`, `[::1]:8000`), a bracket alone (`[::1`), or an IPv4
    address in IPv6's form (`::ffff:127.0.0.1`, which uvicorn cannot bind)."""
    if not text.strip():
        raise argparse.ArgumentTypeError(
            "an empty host listens on every interface: give 0.0.0.0 for every IPv4 one, :: for every IPv6 one"
        )
    if "://" in text or "/" in text:
        raise argparse.ArgumentTypeError(f"{text!r} is no host: give a name or an address alone (127.0.0.1, ::1)")
    if (text.startswith("[") and "]:" in text) or (not text.startswith("[") and text.count(":") == 1):
        raise argparse.ArgumentTypeError(f"{text!r} has a port: give the address alone, the port with --port")
    if text.startswith("[") != text.endswith("]"):
        raise argparse.ArgumentTypeError(f"{text!r} opens or closes a bracket alone: give [::1] or ::1")
    host = text[1:-1] if text.startswith("[") and text.endswith("]") and ":" in text else text
    try:
        mapped = ipaddress.IPv6Address(host).ipv4_mapped
    except ValueError:  # a name, or an IPv4 address
        mapped = None
    if mapped is not None:
        raise argparse.ArgumentTypeError(f"{text!r} is an IPv4 address in IPv6's form: give {mapped}")
    return host


def port(text: str) -> int:
    """A TCP port to listen on: 1 to 65535. Raises argparse.ArgumentTypeError."""
    return _whole(text, 1, MAX_PORT)


def processes(text: str) -> int:
    """`kanal serve --workers`: 1 to `MAX_SERVER_PROCESSES`. Raises argparse.ArgumentTypeError."""
    return _whole(text, 1, MAX_SERVER_PROCESSES)


def rate_limit(text: str) -> int:
    """`kanal stores set-rate-limit`, requests per minute: 1 to `MAX_RATE_LIMIT_PER_MINUTE`, the
    range `stores.set_rate_limit` keeps. Raises argparse.ArgumentTypeError."""
    return _whole(text, 1, MAX_RATE_LIMIT_PER_MINUTE)


def recovery_delay(text: str) -> int:
    """`kanal stores set-recovery-delay`, minutes: 0 to `MAX_RECOVERY_DELAY_MINUTES` (a year), the
    range `stores.set_recovery_delay` keeps. Raises argparse.ArgumentTypeError."""
    return _whole(text, 0, MAX_RECOVERY_DELAY_MINUTES)


def interval(text: str) -> float:
    """`kanal worker --interval`, seconds between passes: above 0, at most an hour, the range
    of KANAL_WORKER_INTERVAL_SECONDS (README, Configuration). Raises argparse.ArgumentTypeError."""
    if not _NUMBER.fullmatch(text):
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}")
    seconds = float(text)
    if not (math.isfinite(seconds) and 0 < seconds <= MAX_WORKER_INTERVAL_SECONDS):
        raise argparse.ArgumentTypeError(
            f"must be above 0 and at most {MAX_WORKER_INTERVAL_SECONDS:,.0f} seconds, got {text!r}"
        )
    return seconds


def _whole(text: str, low: int, high: int) -> int:
    if not _WHOLE.fullmatch(text):
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}")
    figures = text.strip().lstrip("+-").lstrip("0")
    if len(figures) > _LONGEST:
        shown = f"{text.strip()[: _LONGEST + 1]}… ({len(figures):,} figures)"
        raise argparse.ArgumentTypeError(f"must be from {low} to {high:,}, got {shown}")
    value = int(text)
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"must be from {low} to {high:,}, got {value}")
    return value
