import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from articles.roles import ROLES, apply_roles


def held(group_name):
    group = Group.objects.get(name=group_name)
    return {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


@pytest.mark.django_db
class TestRoles:
    def test_every_declared_permission_exists(self):
        """A typo in ROLES would silently grant nothing; every line must name a real permission."""
        existing = {
            f"{app_label}.{codename}"
            for app_label, codename in Permission.objects.values_list("content_type__app_label", "codename")
        }
        for role, permissions in ROLES.items():
            assert set(permissions) - existing == set(), role

    @pytest.mark.parametrize("role", ROLES)
    def test_migrate_leaves_each_role_exactly_as_declared(self, role):
        assert held(role) == set(ROLES[role])

    def test_a_permission_added_to_the_mapping_is_granted_on_the_next_migrate(self, monkeypatch):
        monkeypatch.setitem(ROLES, "Reporters", [*ROLES["Reporters"], "comments.view_comment"])
        assert "comments.view_comment" not in held("Reporters")

        call_command("migrate", verbosity=0)

        assert "comments.view_comment" in held("Reporters")

    def test_a_new_role_gets_its_group(self, monkeypatch):
        monkeypatch.setitem(ROLES, "Picture desk", ["photos.view_photo", "photos.change_photo"])
        apply_roles()
        assert held("Picture desk") == {"photos.view_photo", "photos.change_photo"}

    def test_what_an_administrator_granted_by_hand_is_kept(self):
        reporters = Group.objects.get(name="Reporters")
        extra = Permission.objects.get(content_type__app_label="comments", codename="view_comment")
        reporters.permissions.add(extra)

        apply_roles()

        assert "comments.view_comment" in held("Reporters")
        assert held("Reporters") == set(ROLES["Reporters"]) | {"comments.view_comment"}

    def test_applying_twice_changes_nothing(self):
        before = {role: held(role) for role in ROLES}
        apply_roles()
        apply_roles()
        assert {role: held(role) for role in ROLES} == before
        assert Group.objects.filter(name__in=ROLES).count() == len(ROLES)
