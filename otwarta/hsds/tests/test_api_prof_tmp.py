import cProfile, pstats, io
import pytest
from otwarta.directory import testing as f
from .test_api_support import directory  # noqa

@pytest.mark.django_db
def test_prof(client, directory):
    terms = (directory.health, directory.legal)
    for n in range(45):
        org = directory.clinic if n % 2 else directory.foundation
        f.service(f"Usługa {n:02d}", org, at=directory.krakow if n % 3 else directory.sacz, terms=terms,
                        hours=(("MO,TU", "08:00", "12:00"), ("TH", "10:00", "18:00")))
    client.get("/api/hsds/services?per_page=50&full=true")
    pr = cProfile.Profile(); pr.enable()
    for _ in range(3): client.get("/api/hsds/services?per_page=50&full=true")
    pr.disable()
    s = io.StringIO(); pstats.Stats(pr, stream=s).sort_stats("cumulative").print_stats(45); print(s.getvalue()[:9000])
