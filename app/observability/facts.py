"""The facts one request gathers for its log line: its id, the store it named, what it wrote.

Set by `request_log.Observed` for the request's task; entry points and services add to it
through the functions here, which do nothing outside a request (the CLI, the worker, tests
that call services directly). Resolvers that GraphQL runs concurrently see the same object:
a copied context holds the same reference."""

from __future__ import annotations

from contextvars import ContextVar


class Facts:
    """`store`: the store id the request named (an int, or None: none, or no id); `records`:
    (resource, outcome) pairs in the order written, e.g. ("order", "created"); `errors`: the
    codes of a GraphQL answer's top-level errors (e.g. BAD_USER_INPUT), None when none."""

    __slots__ = ("request_id", "store", "records", "errors")

    def __init__(self, request_id: str):
        self.request_id = request_id
        self.store: int | None = None
        self.records: list[tuple[str, str]] = []
        self.errors: list[str] | None = None


current: ContextVar[Facts | None] = ContextVar("kanal_request_facts", default=None)


def note_store(store_id: int | None) -> None:
    """The first store a request names is its store in the log (a GraphQL request may name more)."""
    facts = current.get()
    if facts is not None and facts.store is None:
        facts.store = store_id


def note_errors(codes: list[str]) -> None:
    facts = current.get()
    if facts is not None:
        facts.errors = codes


def note_record(resource: str, outcome: str) -> None:
    facts = current.get()
    if facts is not None:
        facts.records.append((resource, outcome))
