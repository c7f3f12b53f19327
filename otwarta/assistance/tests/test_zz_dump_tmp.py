import pytest
from otwarta.assistance.tests.helpers import World, form_data
pytestmark = pytest.mark.django_db
def test_dump(world: World, client):
    r = client.post("/en/zamow-tlumacza/", form_data(world, email="", phone="", on_site="on_site"))
    open("/tmp/h4_form.html","w").write(r.content.decode())
