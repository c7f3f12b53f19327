import pytest
from otwarta.directory import testing as f

@pytest.mark.django_db
def test_smoke(portal, client):
    s = f.service(terms=(f.term(),))
    f.translate(s, "uk", name="Загальна консультація")
    r = client.get("/uk/uslugi/")
    print(r.content.decode()[-6000:])
    assert r.status_code == 200
    r = client.get(f"/uk/uslugi/{s.slug}/")
    print(r.content.decode()[-9000:])
    assert r.status_code == 200
    r = client.get("/uk/uslugi/mapa.json?q=porad")
    print(r.content.decode())
