"""
Background work on Django's own tasks API (`django.tasks`), with the two things it
leaves out: retrying a task that failed, after a growing delay, and enqueueing once
the current transaction commits.

    from datetime import timedelta
    from newsroom.tasks import enqueue_on_commit, task_with_retries

    @task_with_retries(max_attempts=5, backoff=timedelta(minutes=1))
    def deliver(delivery_id):
        ...  # raise to fail this attempt

    enqueue_on_commit(deliver, delivery.pk)

Each attempt is a task result of its own, so the worker's record (the admin's "Task
Results") keeps every failure with its traceback. After attempt n fails, attempt
n + 1 is enqueued to run `backoff * 2 ** (n - 1)` later: 1, 2, 4, 8 minutes above. The
waits add up to `backoff * (2 ** (max_attempts - 1) - 1)`. When the last attempt fails,
the task stays failed and `on_give_up` is called, if given.
"""

from functools import partial

from django.db import DEFAULT_DB_ALIAS, transaction
from django.tasks import TaskResultStatus, task
from django.utils import timezone

# The keyword argument that carries the attempt number from one attempt to the next; the
# task's own function never sees it.
ATTEMPT = "retry_attempt"


def retry_delay(backoff, attempt):
    """Return how long to wait after attempt number `attempt` (1 for the first) fails."""
    return backoff * 2 ** (attempt - 1)


def task_with_retries(*, max_attempts, backoff, retry_on=(Exception,), on_give_up=None, **task_options):
    """
    Return a decorator that makes a function a `django.tasks` task which, when it raises
    one of `retry_on`, is enqueued again (up to `max_attempts` attempts in all), each
    wait twice the one before, starting at `backoff` (a timedelta).

    Any other exception, or a failure of the last attempt, leaves the task failed and
    calls `on_give_up(error, *args, **kwargs)`. `task_options` (priority, queue_name,
    backend) go to `django.tasks.task`. The function must be safe to run twice.

    On a backend that cannot run tasks later (the immediate backend in tests) the next
    attempt runs at once.
    """
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1.")

    def decorate(function):
        def run(context, *args, **kwargs):
            attempt = kwargs.pop(ATTEMPT, 1)
            try:
                return function(*args, **kwargs)
            except Exception as error:
                if isinstance(error, retry_on) and attempt < max_attempts:
                    # The task as this attempt was enqueued: same queue, priority and backend.
                    retry = context.task_result.task
                    if retry.get_backend().supports_defer:
                        retry = retry.using(run_after=timezone.now() + retry_delay(backoff, attempt))
                    retry.enqueue(*args, **kwargs, **{ATTEMPT: attempt + 1})
                elif on_give_up is not None:
                    on_give_up(error, *args, **kwargs)
                raise  # So that this attempt is recorded as failed, with its traceback.

        # The worker finds a task by its module and name, so `run` takes the function's.
        for attribute in ("__module__", "__name__", "__qualname__", "__doc__"):
            setattr(run, attribute, getattr(function, attribute))
        return task(run, takes_context=True, **task_options)

    return decorate


def enqueue_on_commit(task_to_run, *args, using=DEFAULT_DB_ALIAS, **kwargs):
    """
    Enqueue the task once the current transaction commits (at once outside one), so
    that the worker sees the rows it is about to read, and a rollback enqueues nothing.
    """
    transaction.on_commit(partial(task_to_run.enqueue, *args, **kwargs), using=using)


def requeue_abandoned(older_than):
    """
    Enqueue again every task of the database backend that a worker started more than
    `older_than` (a timedelta) ago and never finished: the worker was killed mid-task,
    and django-tasks-db leaves such a task "running" for ever. The abandoned run is
    recorded as failed. Tasks are written to be run twice, so the new run finishes what
    the killed one began. Return how many were enqueued again.
    """
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - older_than
    requeued = 0
    with transaction.atomic():
        abandoned = DBTaskResult.objects.select_for_update(skip_locked=True).filter(
            status=TaskResultStatus.RUNNING, started_at__lt=cutoff
        )
        for result in abandoned:
            result.task.using(run_after=None).enqueue(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
            DBTaskResult.objects.filter(pk=result.pk).update(
                status=TaskResultStatus.FAILED,
                finished_at=timezone.now(),
                exception_class_path="newsroom.tasks.Abandoned",
                traceback=f"The worker that started this task at {result.started_at.isoformat()} stopped "
                "before it finished; it was enqueued again.",
            )
            requeued += 1
    return requeued
