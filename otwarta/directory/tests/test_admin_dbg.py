from otwarta.directory.tests.test_admin import *  # noqa

def test_dbg(directory):
    r = client_for("urzad-editor").get(details_url(directory.urzad_service))
    html = r.content.decode()
    start = html.index('id="section-schedules"')
    print(html[start:start+5000])
    assert 0
