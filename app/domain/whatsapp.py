"""WhatsApp capability: whether a contact's number can receive WhatsApp messages.

Rule (SPEC §4.1 "only mobile-capable numbers can receive WhatsApp messages", §4.3 erasure): a
contact is WhatsApp-capable when it has a phone in E.164 form, has not been erased, and the
phone's number type (kept on the contact, `app.domain.phone`) is one that can hold a WhatsApp
account: mobile, fixed line or mobile (regions that do not tell them apart), personal number,
or VoIP. Fixed lines, toll-free, premium-rate, shared-cost, pagers, UAN and voicemail cannot.
"""

from __future__ import annotations

import re
from datetime import datetime

# Number types (as `app.domain.phone` names them) that can hold a WhatsApp account.
MOBILE_CAPABLE = frozenset({"mobile", "fixed_line_or_mobile", "personal_number", "voip"})
_E164 = re.compile(r"\+[1-9][0-9]{1,14}")


def whatsapp_capable(phone: str | None, phone_type: str | None, erased_at: datetime | None) -> bool:
    """True when `phone` is an E.164 number (`+` and up to 15 digits), `erased_at` is None
    and `phone_type` is in MOBILE_CAPABLE."""
    return (
        erased_at is None and phone is not None and _E164.fullmatch(phone) is not None and phone_type in MOBILE_CAPABLE
    )
