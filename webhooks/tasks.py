"""The worker's side of webhooks: one task per delivery, retried with growing waits for about a day."""

from datetime import timedelta

from newsroom.tasks import task_with_retries

from .delivery import DeliveryFailed, attempt, give_up

# Waits of 1.5, 3, 6 … 768 minutes between 11 attempts: the last one comes about 25.6
# hours after the first (1.5 minutes × (2¹⁰ − 1)), then the delivery is marked failed.
MAX_ATTEMPTS = 11
BACKOFF = timedelta(seconds=90)


@task_with_retries(max_attempts=MAX_ATTEMPTS, backoff=BACKOFF, retry_on=(DeliveryFailed,), on_give_up=give_up)
def deliver(delivery_id):
    """Send a webhook delivery; wait for a scheduled story's time; leave a delivered one alone."""
    try_again_at = attempt(delivery_id)
    if try_again_at is not None and deliver.get_backend().supports_defer:
        deliver.using(run_after=try_again_at).enqueue(delivery_id)
