"""Faults the site survives: the database ending its connections while the site keeps them."""

import psycopg
import pytest
from django.conf import settings
from django.db import close_old_connections, connection


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no server to restart")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("health_checks", [True, False], ids=["checked", "unchecked"])
def test_the_first_request_after_the_database_restarts_is_answered(client, make_article, health_checks):
    """
    A restart ends every session the server had: here the server ends them itself
    (pg_terminate_backend), as a restart does, while the site keeps its connection
    between requests (CONN_MAX_AGE). With health checks the next request reconnects.
    """
    story = make_article()
    connection.close()
    settings_dict = connection.settings_dict
    saved = settings_dict["CONN_MAX_AGE"], settings_dict["CONN_HEALTH_CHECKS"]
    settings_dict["CONN_MAX_AGE"], settings_dict["CONN_HEALTH_CHECKS"] = 600, health_checks
    try:
        assert client.get(story.get_absolute_url()).status_code == 200
        kept = connection.connection.info.backend_pid
        params = connection.get_connection_params()
        with psycopg.connect(**params, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [kept])

        # What the server's handler does as each request starts (the test client leaves it out).
        close_old_connections()
        if health_checks:
            assert client.get(story.get_absolute_url()).status_code == 200
            assert connection.connection.info.backend_pid != kept
        else:
            # The setting is what makes the difference: without it the dead connection is used.
            client.raise_request_exception = False
            assert client.get(story.get_absolute_url()).status_code == 500
    finally:
        settings_dict["CONN_MAX_AGE"], settings_dict["CONN_HEALTH_CHECKS"] = saved
        connection.close()


def test_kept_connections_are_checked_before_use():
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
