from django.db import migrations

from otwarta.institutions.areas import CITY_COUNTIES, COUNTIES, REGION


def seed(apps, schema_editor):
    Area = apps.get_model("institutions", "Area")
    region, _ = Area.objects.update_or_create(teryt=REGION[0], defaults={"name": REGION[1], "kind": "region"})
    for kind, rows in (("county", COUNTIES), ("city_county", CITY_COUNTIES)):
        for teryt, name in rows:
            Area.objects.update_or_create(teryt=teryt, defaults={"name": name, "kind": kind, "parent": region})


class Migration(migrations.Migration):
    dependencies = [("institutions", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
