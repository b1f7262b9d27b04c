from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from comments.models import Comment


@pytest.mark.django_db
def test_forget_comment_addresses_uses_the_retention_setting(make_comment, settings):
    settings.NEWSROOM_COMMENT_ADDRESS_DAYS = 7
    old = make_comment(created_at=timezone.now() - timedelta(days=8))
    recent = make_comment(created_at=timezone.now() - timedelta(days=6))
    out = StringIO()

    call_command("forget_comment_addresses", stdout=out)

    assert "1 comment(s) older than 7 days" in out.getvalue()
    assert Comment.objects.get(pk=old.pk).ip_address is None
    assert Comment.objects.get(pk=recent.pk).ip_address == "192.0.2.1"


@pytest.mark.django_db
def test_forget_comment_addresses_takes_a_number_of_days(make_comment):
    comment = make_comment(created_at=timezone.now() - timedelta(days=3))
    call_command("forget_comment_addresses", "--days", "2", stdout=StringIO())
    assert Comment.objects.get(pk=comment.pk).ip_address is None
