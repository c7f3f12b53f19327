import pytest
from otwarta.hsds.tabular import export_tables, import_file
from otwarta.hsds.tabular.formats import write_zip
from otwarta.hsds.tests.tabular_helpers import build_directory
@pytest.mark.django_db
def test_x(portal):
    build_directory()
    r,_ = import_file("d.zip", write_zip(export_tables(None)), allowed=None)
    print({k: vars(c) for k,c in r.counts.items() if c.changed})
