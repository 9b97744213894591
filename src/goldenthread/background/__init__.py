"""Background work: one queue in the database (django-tasks, django-tasks-db; docs/adr/0004-task-queue.md).

A task is a function decorated with ``django_tasks.task`` in an app's ``tasks.py``; ``goldenthread worker``
runs them, retrying a failed one a bounded number of times with growing waits (``worker.RetryingWorker``).
"""
