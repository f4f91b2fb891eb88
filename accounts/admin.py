"""Accounts in the admin. Emails are for superusers only: the admin site
itself (``accounts.admin_site``) hides them from everyone else, and the
email fields are left out below.
"""

from allauth.account.admin import EmailAddressAdmin
from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Profile, ProfileTopic, Topic, User


class SuperuserOnlyAdmin(admin.ModelAdmin):
    """Models holding emails or secrets: superusers only."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


admin.site.unregister(EmailAddress)


@admin.register(EmailAddress)
class ConnectEmailAddressAdmin(SuperuserOnlyAdmin, EmailAddressAdmin):
    pass


def _superuser_only_everywhere(model) -> None:
    """Re-register a third-party model admin as superuser-only."""
    if model not in admin.site._registry:
        return
    base = type(admin.site._registry[model])
    admin.site.unregister(model)
    admin.site.register(model, type(f"Connect{base.__name__}", (SuperuserOnlyAdmin, base), {}))


try:  # two-factor secrets live here
    from allauth.mfa.models import Authenticator
except ImportError:  # pragma: no cover - allauth.mfa not installed
    Authenticator = None
if Authenticator is not None:
    _superuser_only_everywhere(Authenticator)


class NoEmailSearchMixin:
    """Non-superusers cannot search by email either (no confirming an address)."""

    def get_search_fields(self, request):
        fields = super().get_search_fields(request)
        if request.user.is_superuser:
            return fields
        return [f for f in fields if "email" not in f]


@admin.register(User)
class UserAdmin(NoEmailSearchMixin, BaseUserAdmin):
    ordering = ["pk"]
    list_display = ["email", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "profile__display_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    @admin.display(description="member")
    def member(self, obj):
        return obj.member_label

    def get_list_display(self, request):
        if request.user.is_superuser:
            return self.list_display
        return ["member", "is_staff", "is_active", "date_joined"]

    def get_list_display_links(self, request, list_display):
        return [list_display[0]]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [
            (name, {**opts, "fields": [f for f in opts["fields"] if f != "email"]})
            for name, opts in fieldsets
            if [f for f in opts["fields"] if f != "email"]
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Nobody but a superuser hands out staff or superuser rights.
            readonly += ["is_staff", "is_superuser", "groups", "user_permissions"]
        return readonly


class ProfileTopicInline(admin.TabularInline):
    model = ProfileTopic
    extra = 0


@admin.register(Profile)
class ProfileAdmin(NoEmailSearchMixin, admin.ModelAdmin):
    list_display = ["display_name", "user", "mode", "city_name", "is_looking", "onboarded_at"]
    list_filter = ["mode", "is_looking"]
    search_fields = ["display_name", "user__email", "city_name"]
    inlines = [ProfileTopicInline]
    raw_id_fields = ["user"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    prepopulated_fields = {"slug": ["name"]}
