"""An in-process task backend for ``make run``: tasks run in a background thread of the web process.

django-tasks' ``ImmediateBackend`` runs a task inside the request that enqueues it, so a request that
queues the PDFs of a print pack or a bulk translation would wait for all of it. The ``database`` backend
needs a separate ``db_worker``. This backend keeps the embedded default (nothing else to start) without
making readers or editors wait: each task runs after the enqueuing transaction commits, one at a time per
process, in a daemon thread. A task that is still queued when the process stops is lost, which is why
production uses the ``database`` backend (``OTWARTA_TASKS_BACKEND=database``).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.db import connections, transaction
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import Task, TaskResult, TaskResultStatus
from django_tasks.utils import get_random_id

_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="otwarta-task")


class ThreadBackend(ImmediateBackend):
    def enqueue(self, task: Task[Any, Any], args: Any, kwargs: Any) -> TaskResult[Any]:
        self.validate_task(task)
        result: TaskResult[Any] = TaskResult(
            task=task, id=get_random_id(), status=TaskResultStatus.READY, enqueued_at=None, started_at=None,
            last_attempted_at=None, finished_at=None, args=args, kwargs=kwargs, backend=self.alias, errors=[],
            worker_ids=[],
        )

        def run() -> None:
            try:
                self._execute_task(result)  # records failures on the result, as the immediate backend does
            finally:
                connections.close_all()  # this thread's connections only

        transaction.on_commit(lambda: _executor.submit(run), using=None)
        return result
