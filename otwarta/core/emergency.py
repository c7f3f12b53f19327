"""Emergency and helpline numbers shown on every page (Poland-wide, free of charge)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class EmergencyNumber:
    number: str
    label: Promise
    note: Promise | str = ""

    @property
    def tel(self) -> str:
        return "tel:" + self.number.replace(" ", "")


EMERGENCY_NUMBERS = [
    EmergencyNumber("112", _("Emergency number (police, ambulance, fire brigade)"),
                    _("Free, 24 hours, operators also speak English and Ukrainian.")),
    EmergencyNumber("999", _("Ambulance")),
    EmergencyNumber("998", _("Fire brigade")),
    EmergencyNumber("997", _("Police")),
    EmergencyNumber("116 111", _("Helpline for children and young people"), _("Free, 24 hours.")),
    EmergencyNumber("116 123", _("Emotional support for adults")),
    EmergencyNumber("800 70 2222", _("Support in a mental health crisis"), _("Free, 24 hours.")),
    EmergencyNumber("800 120 002", _("Domestic violence helpline (Niebieska Linia)")),
    EmergencyNumber("800 190 590", _("Patient information of the National Health Fund (NFZ)"),
                    _("Where to find a doctor at night and on holidays.")),
]
