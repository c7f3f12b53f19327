from otwarta.assistance.tests.helpers import world  # noqa: F401  (the fixture)
