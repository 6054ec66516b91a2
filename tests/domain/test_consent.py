"""Issue 15: a consent is merged per purpose (absent keeps, older ignored, newer wins), and each
automation's consent requirement is met by exactly the states the policy names."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.domain.automations import Automation, Reason
from app.domain.consent import ConsentState, Purpose, PurposeConsent, columns
from app.domain.rules.consent_merge import changes_state, merged
from app.domain.rules.consent_policy import COLUMN, DEFAULT, PURPOSE, Requirement, allows, decide

T1, T2, T3 = (datetime(2026, 5, day, tzinfo=UTC) for day in (1, 2, 3))
NOW = datetime(2026, 6, 1, tzinfo=UTC)
LATER, FAR = datetime(2026, 6, 1, 0, 5, tzinfo=UTC), datetime(2126, 6, 1, tzinfo=UTC)  # after NOW
STORED = PurposeConsent(ConsentState.SUBSCRIBED, T2, "checkout")
NEVER = PurposeConsent(ConsentState.NOT_SUBSCRIBED, None, None)


@pytest.mark.parametrize(
    ("stored", "sent", "expected"),
    [
        pytest.param(STORED, None, None, id="absent keeps"),
        pytest.param(STORED, PurposeConsent(ConsentState.UNSUBSCRIBED, T1, "sms"), None, id="older ignored"),
        pytest.param(
            STORED,
            PurposeConsent(ConsentState.UNSUBSCRIBED, T3, "sms"),
            PurposeConsent(ConsentState.UNSUBSCRIBED, T3, "sms"),
            id="newer wins",
        ),
        pytest.param(
            STORED,
            PurposeConsent(ConsentState.UNSUBSCRIBED, T2, None),
            PurposeConsent(ConsentState.UNSUBSCRIBED, T2, None),
            id="same time wins",
        ),
        pytest.param(STORED, STORED, None, id="replay changes nothing"),
        pytest.param(
            STORED,
            PurposeConsent(ConsentState.UNSUBSCRIBED, None, None),
            PurposeConsent(ConsentState.UNSUBSCRIBED, NOW, None),
            id="undated is dated by its arrival",
        ),
        pytest.param(
            STORED, PurposeConsent(ConsentState.SUBSCRIBED, None, "checkout"), None, id="undated replay changes nothing"
        ),
        pytest.param(
            NEVER,
            PurposeConsent(ConsentState.SUBSCRIBED, T1, "checkout"),
            PurposeConsent(ConsentState.SUBSCRIBED, T1, "checkout"),
            id="first consent",
        ),
        pytest.param(
            STORED,
            PurposeConsent(ConsentState.UNSUBSCRIBED, LATER, "sms"),
            PurposeConsent(ConsentState.UNSUBSCRIBED, NOW, "sms"),
            id="dated after its arrival is dated by its arrival",
        ),
        pytest.param(
            NEVER,
            PurposeConsent(ConsentState.SUBSCRIBED, FAR, "checkout"),
            PurposeConsent(ConsentState.SUBSCRIBED, NOW, "checkout"),
            id="first consent dated in a later century",
        ),
        pytest.param(
            PurposeConsent(ConsentState.SUBSCRIBED, NOW, "checkout"),
            PurposeConsent(ConsentState.SUBSCRIBED, FAR, "checkout"),
            None,
            id="a replay of a consent dated after its arrival changes nothing",
        ),
        # the stored state again (README, "WhatsApp consent"): a repeat, whatever its source
        *(
            pytest.param(STORED, PurposeConsent(ConsentState.SUBSCRIBED, at, source), None, id=f"same state {name}")
            for name, at in (("undated", None), ("same time", T2), ("older", T1), ("after its arrival", LATER))
            for source in (None, "checkout", "sms")
        ),
        pytest.param(
            STORED,
            PurposeConsent(ConsentState.SUBSCRIBED, T3, None),
            PurposeConsent(ConsentState.SUBSCRIBED, T3, "checkout"),
            id="same state newer without a source: the time moves, the source is kept",
        ),
        pytest.param(
            STORED,
            PurposeConsent(ConsentState.SUBSCRIBED, T3, "sms"),
            PurposeConsent(ConsentState.SUBSCRIBED, T3, "sms"),
            id="same state newer with a source: the time moves with it",
        ),
        pytest.param(
            NEVER, PurposeConsent(ConsentState.NOT_SUBSCRIBED, None, "sms"), None, id="never given, not_subscribed"
        ),
        pytest.param(
            NEVER,
            PurposeConsent(ConsentState.NOT_SUBSCRIBED, T1, "sms"),
            PurposeConsent(ConsentState.NOT_SUBSCRIBED, T1, "sms"),
            id="never given, not_subscribed dated: its time is kept",
        ),
        pytest.param(
            STORED,
            PurposeConsent(ConsentState.UNSUBSCRIBED, None, None),
            PurposeConsent(ConsentState.UNSUBSCRIBED, NOW, None),
            id="a new state without a source has none",
        ),
    ],
)
def test_merge(stored: PurposeConsent, sent: PurposeConsent | None, expected: PurposeConsent | None) -> None:
    assert merged(stored, sent, NOW) == expected


@pytest.mark.parametrize("state", list(ConsentState))
@pytest.mark.parametrize("other", list(ConsentState))
def test_changes_state(state: ConsentState, other: ConsentState) -> None:
    """A change of consent, recorded and announced, is a change of state: not of time or source."""
    before = PurposeConsent(state, T1, "checkout")
    assert changes_state(before, PurposeConsent(other, T2, "sms")) is (state != other)


# Every state × requirement: whether the contact may be messaged.
ALLOWED = {
    (Requirement.SUBSCRIBED, ConsentState.SUBSCRIBED): True,
    (Requirement.SUBSCRIBED, ConsentState.UNSUBSCRIBED): False,
    (Requirement.SUBSCRIBED, ConsentState.NOT_SUBSCRIBED): False,
    (Requirement.NOT_UNSUBSCRIBED, ConsentState.SUBSCRIBED): True,
    (Requirement.NOT_UNSUBSCRIBED, ConsentState.UNSUBSCRIBED): False,
    (Requirement.NOT_UNSUBSCRIBED, ConsentState.NOT_SUBSCRIBED): True,
    (Requirement.ANY, ConsentState.SUBSCRIBED): True,
    (Requirement.ANY, ConsentState.UNSUBSCRIBED): True,
    (Requirement.ANY, ConsentState.NOT_SUBSCRIBED): True,
}


def test_the_table_covers_every_requirement_and_state() -> None:
    assert set(ALLOWED) == {(requirement, state) for requirement in Requirement for state in ConsentState}


@pytest.mark.parametrize(("requirement", "state"), list(ALLOWED))
def test_allows(requirement: Requirement, state: ConsentState) -> None:
    assert allows(requirement, state) is ALLOWED[(requirement, state)]


def _contact(purpose: Purpose, state: ConsentState | None, erased: bool = False) -> dict[str, object]:
    contact: dict[str, object] = {"erased_at": NOW if erased else None}
    for each in Purpose:
        for column in columns(each):
            contact[column] = None
    contact[columns(purpose)[0]] = state
    return contact


# The default policy, every automation × state of its own purpose (None: never given).
DEFAULT_DECISIONS = {
    (Automation.CART_RECOVERY, ConsentState.SUBSCRIBED): Reason.FIRED,
    (Automation.CART_RECOVERY, ConsentState.UNSUBSCRIBED): Reason.NO_CONSENT,
    (Automation.CART_RECOVERY, ConsentState.NOT_SUBSCRIBED): Reason.NO_CONSENT,
    (Automation.CART_RECOVERY, None): Reason.NO_CONSENT,
    (Automation.SHIPPING_NOTIFICATION, ConsentState.SUBSCRIBED): Reason.FIRED,
    (Automation.SHIPPING_NOTIFICATION, ConsentState.UNSUBSCRIBED): Reason.NO_CONSENT,
    (Automation.SHIPPING_NOTIFICATION, ConsentState.NOT_SUBSCRIBED): Reason.FIRED,
    (Automation.SHIPPING_NOTIFICATION, None): Reason.FIRED,
}


@pytest.mark.parametrize(("automation", "state"), list(DEFAULT_DECISIONS))
def test_default_policy(automation: Automation, state: ConsentState | None) -> None:
    policy = {COLUMN[each]: requirement for each, requirement in DEFAULT.items()}
    assert decide(automation, policy, _contact(PURPOSE[automation], state)) == DEFAULT_DECISIONS[(automation, state)]


@pytest.mark.parametrize("automation", list(Automation))
def test_the_other_purpose_does_not_count(automation: Automation) -> None:
    other = next(purpose for purpose in Purpose if purpose != PURPOSE[automation])
    policy = {COLUMN[each]: Requirement.SUBSCRIBED for each in Automation}
    assert decide(automation, policy, _contact(other, ConsentState.SUBSCRIBED)) == Reason.NO_CONSENT


@pytest.mark.parametrize("automation", list(Automation))
def test_an_erased_contact_is_erased_whatever_its_consent(automation: Automation) -> None:
    policy = {COLUMN[each]: Requirement.ANY for each in Automation}
    assert decide(automation, policy, _contact(PURPOSE[automation], None, erased=True)) == Reason.ERASED
