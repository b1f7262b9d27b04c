from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.models import Group, User

from newsroom.admin import CheckedInputMixin

# Django's own admins for people and their groups, with their lists' filters and their
# forms' ids checked as the project's own are (newsroom.admin).
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(CheckedInputMixin, auth_admin.UserAdmin):
    pass


@admin.register(Group)
class GroupAdmin(CheckedInputMixin, auth_admin.GroupAdmin):
    pass
