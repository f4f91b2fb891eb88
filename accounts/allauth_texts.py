"""allauth's own words that appear on Connect's sign-up, login and reset pages.

Listed here only so that ``makemessages`` puts them in the site's catalog:
Django reads the catalogs in ``LOCALE_PATHS`` before an app's, so these read
in the site's voice (Spanish "tú", "iniciar sesión") rather than in allauth's
("usted"). The strings must stay exactly as allauth writes them; nothing
imports this module.
"""

from django.utils.translation import gettext_noop

ALLAUTH_TEXTS = [
    # The sign-up and login forms' labels, placeholders and help.
    gettext_noop("Email"),
    gettext_noop("Email address"),
    gettext_noop("Password"),
    gettext_noop("Password (again)"),
    gettext_noop("Remember Me"),
    gettext_noop("Forgot your password?"),
    gettext_noop("New Password"),
    gettext_noop("New Password (again)"),
    gettext_noop("Current Password"),
    # Their refusals.
    gettext_noop("The email address and/or password you specified are not correct."),
    gettext_noop("You must type the same password each time."),
    gettext_noop("A user is already registered with this email address."),
    gettext_noop("Too many failed login attempts. Try again later."),
    gettext_noop("This account is inactive."),
    gettext_noop("Incorrect code."),
]
