"""The seeded vocabularies. Names are English msgids so that the interface catalogue translates them."""

from django.utils.translation import gettext_noop as _

AUDIENCES = [
    ("pregnant-women", _("Pregnant women")),
    ("children-youth", _("Children and young people")),
    ("parents", _("Parents")),
    ("single-parents", _("Single parents")),
    ("seniors", _("Seniors")),
    ("disabilities", _("People with disabilities")),
    ("trauma", _("People after trauma")),
    ("students", _("Students")),
    ("workers", _("Workers")),
    ("job-seekers", _("Job seekers")),
    ("entrepreneurs", _("Entrepreneurs")),
    ("employers", _("Employers")),
    ("women", _("Women")),
    ("newcomers", _("Newly arrived")),
]

RESIDENCE_SITUATIONS = [
    ("temporary-protection", _("Temporary protection (PESEL UKR)")),
    ("residence-card", _("Residence card (temporary or permanent)")),
    ("visa", _("National or Schengen visa")),
    ("visa-free", _("Visa-free stay")),
    ("eu-citizen", _("EU, EEA or Swiss citizen and family")),
    ("protection-applicant", _("Applicant for international protection")),
    ("refugee", _("Refugee status or subsidiary protection")),
    ("karta-polaka", _("Card of the Pole (Karta Polaka)")),
    ("document-expiring", _("Document expired or about to expire")),
]
