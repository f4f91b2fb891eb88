"""The site's admin: emails are for superusers only.

Everyone else (staff who are not superusers, even with every view
permission) browses the admin with people named "member #<id> (<display
name>)": each admin view runs inside ``accounts.models.emails_hidden`` for
them, so foreign-key columns, object titles and breadcrumbs never show an
email. Installed as the default admin site by
``accounts.admin_config.ConnectAdminConfig``, which INSTALLED_APPS lists
instead of ``django.contrib.admin``.
"""

from functools import wraps

from django.contrib import admin
from django.core.exceptions import PermissionDenied

from .models import emails_hidden

# Views a non-superuser never opens: the change history names the staff who
# acted by their login (an email).
SUPERUSER_ONLY_VIEWS = {"history_view"}


class ConnectAdminSite(admin.AdminSite):
    site_header = "Connect administration"
    site_title = "Connect admin"

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def guarded(request, *args, **kwargs):
            user = getattr(request, "user", None)
            if user is not None and user.is_superuser:
                return inner(request, *args, **kwargs)
            if getattr(view, "__name__", "") in SUPERUSER_ONLY_VIEWS and user is not None:
                if user.is_authenticated and user.is_staff:
                    raise PermissionDenied
            with emails_hidden():
                response = inner(request, *args, **kwargs)
                # Template responses render later; render them while emails are hidden.
                if callable(getattr(response, "render", None)) and not response.is_rendered:
                    response.render()
            return response

        return guarded
