"""A value a `kanal` subcommand cannot use is an argument error, as an id or a name out of range
is (`app/cli_arguments.py`): argparse's one line naming the argument, exit status 2, nothing
done. A consent requirement, a store's region or timezone, a webhook's URL or event pattern
were checked only by the service, once the command ran: `error: …` and exit status 1, as for a
store that does not exist."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import main
from app.domain.event_types import EventType

TYPES = ", ".join(EventType)
CREATE = ["stores", "create", "--id", "2", "--name", "Shop"]
HOOK = ["webhooks", "add", "--store", "1"]
URL_MUST = "The webhook URL must be an http(s) URL with a host name or address, and a port from 1 to 65535"
# a space or control character before, inside or after an otherwise good URL
IPV4_MUST = "The webhook URL must name an IPv4 address as four numbers from 0 to 255 (127.0.0.1)"
NUMERIC_HOSTS = [
    "http://999.1.1.1/h",
    "http://256.1.1.1/h",
    "http://1.2.3/h",
    "http://1.2.3.4.5/h",
    "http://127.000.000.001:9002/h",
    "http://2130706433:9002/h",
    "http://127.0.0.1.:9002/h",
    "http://127.1/h",
    "http://017700000001/h",
]
ZONE_MUST = "The webhook URL must name an IPv6 address without a zone (%eth0), which the sender cannot reach"
ENCODED_MUST = (
    "The webhook URL must write its host name as it is, not percent-encoded (ex%61mple.com is example.com; a name "
    "outside ASCII in its xn-- form)"
)
LONG_URL = "http://127.0.0.1:9002/" + "a" * 1003  # 1,025 characters
NO_USER = (
    "The webhook URL must carry no user or password (user:password@), which would be shown wherever its "
    "deliveries are: each delivery is signed (Kanal-Signature) for the endpoint to check instead."
)
SPACED_URLS = [
    " http://127.0.0.1:8000",
    "http://127.0.0.1:8000 ",
    "http://127.0.0.1:8000\t",
    "http://127.0.0.1:8000\n",
    "http://127.0.0.1:8000/a b",
    "http://127.0.0.1:8000/\x00",
    "http://127.0.0.1:8000/\x7f",
    "\u00a0http://127.0.0.1:8000",
]
CHOICES = "(choose from 'subscribed', 'not_unsubscribed', 'any')"
# arguments -> the error line's end, after "kanal <command>: error: argument "
REFUSED = {
    (
        "stores",
        "set-consent-policy",
        "1",
        "--cart-recovery",
        "yes",
    ): f"--cart-recovery: invalid choice: 'yes' {CHOICES}",
    ("stores", "set-consent-policy", "1", "--shipping-notification", "ANY"): (
        f"--shipping-notification: invalid choice: 'ANY' {CHOICES}"
    ),
    (*CREATE, "--region", "XX"): "--region: Unknown region 'XX': use an ISO 3166 alpha-2 code such as FR.",
    (*CREATE, "--region", "FR", "--timezone", "Paris"): (
        "--timezone: Unknown timezone 'Paris': use an IANA name such as Europe/Paris or UTC."
    ),
    ("stores", "set-timezone", "1", "CEST"): (
        "timezone: Unknown timezone 'CEST': use an IANA name such as Europe/Paris or UTC."
    ),
    (*HOOK, "--url", "ftp://127.0.0.1/h"): f"--url: {URL_MUST}: 'ftp://127.0.0.1/h'.",
    (*HOOK, "--url", "http://127.0.0.1:0/h"): f"--url: {URL_MUST}: 'http://127.0.0.1:0/h'.",
    **{(*HOOK, "--url", url): f"--url: {URL_MUST}: {url!r}." for url in SPACED_URLS},
    # a percent-encoded host name (RFC 3986 allows it; the sender looks it up as written)
    **{
        (*HOOK, "--url", url): f"--url: {ENCODED_MUST}: {url!r}."
        for url in ["http://exa%6Dple.com/h", "http://caf%C3%A9.example/h"]
    },
    # a host of digits alone that is no IPv4 address in four numbers: the sender refused it on
    # every attempt (aiohttp: "is not a canonical IPv4 address"), a day of retries, then dead
    **{(*HOOK, "--url", url): f"--url: {IPV4_MUST}: {url!r}." for url in NUMERIC_HOSTS},
    # an IPv6 zone: the sender looked the address up as a name, on every attempt
    **{
        (*HOOK, "--url", url): f"--url: {ZONE_MUST}: {url!r}."
        for url in ["http://[fe80::1%25eth0]/h", "http://[fe80::1%25lo]:9/h"]
    },
    # what a webhook may not hold: PostgreSQL's column refused a longer URL with a traceback
    # printing the new secret (SQLite stored it); a user or password was shown to every key of
    # the store (GraphQL `deliveries { url }`); a fragment is never sent
    (*HOOK, "--url", LONG_URL): "--url: The webhook URL must be at most 1,024 characters; this one has 1,025.",
    **{
        (*HOOK, "--url", url): f"--url: {NO_USER}"
        for url in ["http://user:pw@127.0.0.1:9/h", "http://user@127.0.0.1:9/h", "https://:pw@hooks.example.com/h"]
    },
    **{
        (*HOOK, "--url", url): f"--url: The webhook URL must have no fragment (#…), which a POST never sends: {url!r}."
        for url in ["http://127.0.0.1:9/h#frag", "http://127.0.0.1:9/h#"]
    },
    (*HOOK, "--url", "http://127.0.0.1:9/h", "--events", "order.*", "o*"): (
        f"--events: No event type matches o*; types: {TYPES}."
    ),
}


def _state(capsys: pytest.CaptureFixture[str]) -> str:
    """What `kanal stores list` and `kanal webhooks list` print."""
    capsys.readouterr()
    main(["stores", "list"])
    main(["webhooks", "list"])
    return capsys.readouterr().out


@pytest.mark.parametrize("args", REFUSED, ids=" ".join)
def test_a_value_the_command_cannot_use_is_an_argument_error(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    main(["stores", "create", "--id", "1", "--name", "Shop", "--region", "FR"])
    before = _state(capsys)
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    assert exited.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"kanal {' '.join(args[:2])}: error: argument {REFUSED[args]}"
    assert _state(capsys) == before


@pytest.mark.parametrize(
    ("args", "listed"),
    [
        ((*CREATE, "--region", "fr", "--timezone", "Europe/Berlin"), "Europe/Berlin"),
        (("stores", "set-consent-policy", "1", "--cart-recovery", "any"), "any"),
        # webhook URLs at the bounds of what one may hold
        ((*HOOK, "--url", LONG_URL[:-1]), LONG_URL[:-1]),
        ((*HOOK, "--url", "http://10.0.0.1:9/h"), "http://10.0.0.1:9/h"),
        ((*HOOK, "--url", "http://hooks.example.com./h"), "http://hooks.example.com./h"),
        ((*HOOK, "--url", "http://1.2.3.example.com/h"), "http://1.2.3.example.com/h"),
        ((*HOOK, "--url", "http://[::1]:9/h?user=a@b"), "http://[::1]:9/h?user=a@b"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, tuple) else "",
)
def test_a_good_value_still_does_what_it_says(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], listed: str
) -> None:
    main(["stores", "create", "--id", "1", "--name", "Shop", "--region", "FR"])
    main(list(args))
    assert listed in _state(capsys)


SERVER_URL_MUST = "The server URL must be an http(s) URL with a host name or address, and a port from 1 to 65535"
SERVER_URL_NO_QUERY = "The server URL takes no query (?…) or fragment (#…): the batch paths go after it"
# `kanal import --url` -> why it is refused: not a server a batch could be POSTed to (it started
# the import, which failed with httpx's words, exit 1, after writing its state file); or one with
# a query or a fragment, which the batch path went into (`…/?x=1/api/v1/stores/123/orders/batch`).
IMPORT_URLS = {
    **dict.fromkeys(
        [
            "notaurl",
            "ftp://127.0.0.1:1",
            "http://",
            "http://127.0.0.1:0",
            "127.0.0.1:8000",
            "mailto:a@b.fr",
            *SPACED_URLS,
        ],
        SERVER_URL_MUST,
    ),
    **dict.fromkeys(
        [
            "http://127.0.0.1:8974/?x=1",
            "http://127.0.0.1:8974?x=1",
            "http://127.0.0.1:8974/?",
            "http://127.0.0.1:8974/kanal/?x=1",
            "http://127.0.0.1:8974/#top",
            "http://127.0.0.1:8974#",
            "https://kanal.example.com/?x=1#top",
        ],
        SERVER_URL_NO_QUERY,
    ),
}


@pytest.mark.parametrize("url", list(IMPORT_URLS))
def test_an_import_url_that_is_no_server_is_an_argument_error(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], url: str
) -> None:
    (tmp_path / "import").mkdir()
    lines = tmp_path / "import" / "orders.jsonl"
    lines.write_text('{"external_id": "1"}\n')
    with pytest.raises(SystemExit) as exited:
        main(["import", str(lines), "--store", "1", "--resource", "orders", "--url", url, "--key", "kanal_sk_live_x"])
    err = capsys.readouterr().err.splitlines()
    assert (exited.value.code, err[0].startswith("usage: kanal import "), err[-1]) == (
        2,
        True,
        f"kanal import: error: argument --url: {IMPORT_URLS[url]}: {url!r}.",
    ), err
    assert [path.name for path in lines.parent.iterdir()] == ["orders.jsonl"]  # no report, no state file
