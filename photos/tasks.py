"""The photo library's background work, run by the task worker."""

from datetime import timedelta

from django.apps import apps

from newsroom.tasks import task_with_retries


# A few attempts: a storage service that failed once may answer next time. An original
# that cannot be read fails each time; `manage.py build_renditions` names such photos.
@task_with_retries(max_attempts=3, backoff=timedelta(minutes=1))
def make_renditions(photo_id):
    """Make the renditions the photo lacks; return how many were made. Running it twice changes nothing."""
    # Looked up here, not imported: photos.models enqueues this task when a photo is saved.
    photo = apps.get_model("photos", "Photo").objects.filter(pk=photo_id).first()
    if photo is None:
        return 0  # Deleted before the worker came to it.
    return photo.ensure_renditions()
