"""Store article bodies in Wagtail's current list format (list items with ids), so that wagtail-localize
offers list items (numbered steps, documents, questions) for translation. See ``normalised_body``."""

from django.db import migrations


def normalise(apps, schema_editor):  # type: ignore[no-untyped-def]
    from otwarta.portal.models import normalised_body

    ArticlePage = apps.get_model("portal", "ArticlePage")  # noqa: N806
    for pk, body in ArticlePage.objects.values_list("pk", "body").iterator():
        raw = body.get_prep_value() if hasattr(body, "get_prep_value") else body
        ArticlePage.objects.filter(pk=pk).update(body=normalised_body(raw).get_prep_value())


class Migration(migrations.Migration):
    dependencies = [("portal", "0004_official_form_block")]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop)]
