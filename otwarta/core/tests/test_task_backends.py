"""The in-process thread backend of ``make run``: enqueue returns at once, the task runs after commit."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.test import override_settings
from django_tasks import task, task_backends
from django_tasks.base import TaskResultStatus

ran = threading.Event()
release = threading.Event()
seen_threads: list[str] = []

THREAD_TASKS = {"default": {"BACKEND": "otwarta.core.task_backends.ThreadBackend"}}


@task()
def slow_task() -> None:
    seen_threads.append(threading.current_thread().name)
    release.wait(5)
    ran.set()


@pytest.fixture
def thread_backend():  # type: ignore[no-untyped-def]
    with override_settings(TASKS=THREAD_TASKS):
        try:
            yield
        finally:
            ran.clear()
            release.clear()
            seen_threads.clear()


@pytest.mark.django_db
def test_enqueue_returns_before_the_task_runs_and_waits_for_commit(
    thread_backend: None, django_capture_on_commit_callbacks: Any
) -> None:
    assert type(task_backends["default"]).__name__ == "ThreadBackend"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = slow_task.enqueue()
        assert result.status == TaskResultStatus.READY
        assert not seen_threads  # nothing runs before the transaction commits
    assert len(callbacks) == 1  # the commit hands the task to the background thread
    release.set()
    assert ran.wait(5)
    assert seen_threads and seen_threads[0].startswith("otwarta-task")
