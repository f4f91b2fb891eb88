"""django.contrib.admin with the site's own admin site as the default.

Its own module: INSTALLED_APPS imports it before models can load, and the
site class (which needs accounts.models) is named by its dotted path.
"""

from django.contrib.admin.apps import AdminConfig


class ConnectAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.ConnectAdminSite"
