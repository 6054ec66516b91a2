"""Counts in the `kanal` command's messages read as a person writes them (`app.wording.counted`):
"1 delivery", "2 deliveries", thousands separated."""

import pytest

from app.wording import counted


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (0, "0 deliveries"),
        (1, "1 delivery"),
        (2, "2 deliveries"),
        (1000, "1,000 deliveries"),
        (1_234_567, "1,234,567 deliveries"),
    ],
)
def test_a_count_takes_the_word_of_its_number(count: int, expected: str) -> None:
    assert counted(count, "delivery", "deliveries") == expected
