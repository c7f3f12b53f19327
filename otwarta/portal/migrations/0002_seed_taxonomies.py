from django.db import migrations

from otwarta.portal.taxonomy import AUDIENCES, RESIDENCE_SITUATIONS


def seed(apps, schema_editor):
    for model_name, terms in (("Audience", AUDIENCES), ("ResidenceSituation", RESIDENCE_SITUATIONS)):
        model = apps.get_model("portal", model_name)
        for order, (slug, name) in enumerate(terms):
            model.objects.update_or_create(slug=slug, defaults={"name": name, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
