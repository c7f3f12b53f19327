import statistics, time
import pytest
from otwarta.directory import testing as f
from .test_api_support import directory  # noqa

@pytest.mark.django_db
def test_timing(client, directory):
    terms = (directory.health, directory.legal)
    for n in range(45):
        org = directory.clinic if n % 2 else directory.foundation
        svc = f.service(f"Usługa {n:02d}", org, at=directory.krakow if n % 3 else directory.sacz, terms=terms,
                        hours=(("MO,TU", "08:00", "12:00"), ("TH", "10:00", "18:00")))
        if n % 5 == 0:
            f.translate(svc, "uk", name=f"Послуга {n:02d}")
    for url in ["/api/hsds/services?per_page=50", "/api/hsds/services?per_page=50&full=true", "/api/hsds/services?per_page=50&lang=uk", "/api/hsds/service_at_locations?proximity=50,20&per_page=50"]:
        times = []
        for _ in range(31):
            t = time.perf_counter(); r = client.get(url); times.append(time.perf_counter() - t)
            assert r.status_code == 200
        times.sort()
        print(f"\n{url}: median {statistics.median(times)*1000:.1f} ms, p95 {times[int(len(times)*0.95)-1]*1000:.1f} ms, {len(r.content)} bytes")
