"""Background tasks (django-tasks, the framework Wagtail 7 uses for its own tasks: ``@task()`` on a
module-level function, ``.enqueue()`` to queue it). With ``OTWARTA_TASKS_BACKEND=immediate`` they run
in the process that enqueues them; with ``database`` the ``manage.py db_worker`` process runs them.
Arguments and return values are JSON."""

from __future__ import annotations

from django_tasks import task

from . import digest, linkcheck


@task()
def send_review_digest() -> dict[str, int]:
    """E-mail every editor and moderator the pages of their institutions that are due for a check."""
    return digest.send_digests().as_dict()


@task()
def check_external_links() -> dict[str, int]:
    """Collect the external links of live articles and check them."""
    return linkcheck.run()
