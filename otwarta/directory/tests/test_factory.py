import pytest

from otwarta.directory import testing as f
from otwarta.directory.models import Service


@pytest.mark.django_db
def test_factory(portal):
    s = f.service(terms=(f.term(),))
    t = f.translate(s, "uk", name="Загальна консультація")
    assert t.translation_key == s.translation_key and t.source() == s
    assert s.service_at_locations.count() == 1 and s.schedules.count() == 1
    assert Service.objects.count() == 2
