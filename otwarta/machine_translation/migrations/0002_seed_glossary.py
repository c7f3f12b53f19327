"""A starting glossary: identifiers and institutions that stay as they are, and 'karta pobytu'. Regional
administrators maintain it from here in the admin."""

from django.db import migrations

KARTA_FORMS = "karty pobytu\nkarcie pobytu\nkartę pobytu\nkartą pobytu\nkart pobytu"
PROTECTED = [
    ("PESEL", "", "Polish personal identification number: the name of the register stays."),
    ("NFZ", "", "Narodowy Fundusz Zdrowia (National Health Fund)."),
    ("ZUS", "", "Zakład Ubezpieczeń Społecznych (Social Insurance Institution)."),
    ("Małopolski Urząd Wojewódzki", "Małopolskiego Urzędu Wojewódzkiego\nMałopolskim Urzędzie Wojewódzkim",
     "The official name stays, as on the building and in letters."),
    ("Urząd do Spraw Cudzoziemców", "Urzędu do Spraw Cudzoziemców\nUrzędzie do Spraw Cudzoziemców",
     "The official name stays, as on the building and in letters."),
]
FIXED = [
    ("en", "residence card"),
    ("uk", "посвідка на проживання"),
    ("ru", "вид на жительство"),
]


def seed(apps, schema_editor):
    GlossaryTerm = apps.get_model("machine_translation", "GlossaryTerm")
    for term, forms, note in PROTECTED:
        GlossaryTerm.objects.get_or_create(
            source_lang="pl", target_lang="", term=term,
            defaults={"other_forms": forms, "note": note, "case_sensitive": term.isupper()},
        )
    for target, translation in FIXED:
        GlossaryTerm.objects.get_or_create(
            source_lang="pl", target_lang=target, term="karta pobytu",
            defaults={"other_forms": KARTA_FORMS, "translation": translation,
                      "note": "Inserted in its base form: check the grammar of the sentence around it."},
        )


class Migration(migrations.Migration):
    dependencies = [("machine_translation", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
