import pytest
from django.db import connection
@pytest.mark.django_db
def test_x():
    from otwarta.currency.models import ExternalLink
    print(connection.settings_dict["NAME"], sorted(t for t in connection.introspection.table_names() if "currency" in t))
    print(ExternalLink.objects.count())
