"""README, Configuration: an error names DATABASE_URL as the operator wrote it (its order, blank
options and percent-encoding kept: SQLAlchemy's rendering sorts, drops and encodes them), its
password as `***` in the address or the query, whatever it holds. A password with `/`, `?`, `:`
or `@` in it, which SQLAlchemy reads whole, was shown in part or whole; a `?` in it was taken
for the query's start, and the URL refused for a blank option named after the password."""

from __future__ import annotations

import shlex

import pytest

from app.config import ConfigError, Settings, shown_url

# written -> shown
SHOWN = {
    "postgresql+asyncpg://postgres:secret@127.0.0.1:5432/db": "postgresql+asyncpg://postgres:***@127.0.0.1:5432/db",
    "postgresql+asyncpg://postgres:abc/def@127.0.0.1:5432/db": "postgresql+asyncpg://postgres:***@127.0.0.1:5432/db",
    "postgresql+asyncpg://postgres:Secr3t?x=1@h:5432/db": "postgresql+asyncpg://postgres:***@h:5432/db",
    "postgresql+asyncpg://postgres:ab:cd@h/db": "postgresql+asyncpg://postgres:***@h/db",
    "postgresql+asyncpg://postgres:p@ss@h/db": "postgresql+asyncpg://postgres:***@h/db",
    "postgresql+asyncpg://postgres:Tr0ub4dor?&3@h/db?ssl=x": "postgresql+asyncpg://postgres:***@h/db?ssl=x",
    "postgresql+asyncpg://postgres:p%40ss%3Fw%23rd@h/db": "postgresql+asyncpg://postgres:***@h/db",
    "postgresql+asyncpg://postgres:@h/db": "postgresql+asyncpg://postgres:***@h/db",
    "postgresql+asyncpg://postgres@h/db?password=x&ssl=y": "postgresql+asyncpg://postgres@h/db?password=***&ssl=y",
    "postgresql+asyncpg://postgres@h/db?ssl=y&Password=x%26y": "postgresql+asyncpg://postgres@h/db?ssl=y&Password=***",
    "postgresql+asyncpg://postgres@h/db?PASSWORD=x": "postgresql+asyncpg://postgres@h/db?PASSWORD=***",
    "postgresql+asyncpg://postgres@h/db?password=&ssl=y": "postgresql+asyncpg://postgres@h/db?password=&ssl=y",
    # no password: as written
    "postgresql+asyncpg://postgres@h/db?host=%2Fvar%2Frun&ssl=y": "postgresql+asyncpg://postgres@h/db?host=%2Fvar%2Frun&ssl=y",
    "postgresql+asyncpg://postgres@/db?host=/run/postgresql": "postgresql+asyncpg://postgres@/db?host=/run/postgresql",
    "sqlite+aiosqlite:///file:/var/a@b:c.db?vfs=x&uri=true": "sqlite+aiosqlite:///file:/var/a@b:c.db?vfs=x&uri=true",
    "sqlite+aiosqlite:///./var/kanal.db": "sqlite+aiosqlite:///./var/kanal.db",
}


@pytest.mark.parametrize("written", SHOWN)
def test_a_url_is_shown_as_written_without_its_password(written: str) -> None:
    assert shown_url(written) == SHOWN[written]


@pytest.mark.parametrize("password", ["p?ss", "Tr0ub4dor?&3", "a?b=", "x?"])
def test_a_question_mark_in_the_password_is_no_query(environment: pytest.MonkeyPatch, password: str) -> None:
    url = f"postgresql+asyncpg://postgres:{password}@127.0.0.1:5432/db"
    environment.setenv("DATABASE_URL", url)
    assert Settings.from_env().database_url == url
    environment.setenv("DATABASE_URL", f"{url}?ssl=bogus")
    with pytest.raises(ConfigError) as refused:
        Settings.from_env()
    shown = "postgresql+asyncpg://postgres:***@127.0.0.1:5432/db?ssl=bogus"
    assert str(refused.value).startswith(f"DATABASE_URL={shlex.quote(shown)}: must be a URL whose ssl is one of ")
