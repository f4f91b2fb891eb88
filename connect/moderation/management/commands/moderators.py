"""Operators name the site moderators: ``manage.py moderators add|remove|list [email]``."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from connect.moderation.selectors import MODERATORS_GROUP


class Command(BaseCommand):
    help = "Add a person to, or remove them from, the Moderators group; or list moderators."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["add", "remove", "list"])
        parser.add_argument("email", nargs="?")

    def handle(self, *args, action, email=None, **options):
        group = Group.objects.filter(name=MODERATORS_GROUP).first()
        if group is None:
            raise CommandError("The Moderators group is missing: run manage.py migrate.")
        if action == "list":
            for user in group.user_set.order_by("email"):
                self.stdout.write(f"{user.pk}\t{user.email}\t{user.display_name}")
            return
        if not email:
            raise CommandError("Give the person's email address.")
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No account with the email {email}.")
        if action == "add":
            user.groups.add(group)
            self.stdout.write(self.style.SUCCESS(f"{user.email} is now a moderator."))
        else:
            user.groups.remove(group)
            self.stdout.write(self.style.SUCCESS(f"{user.email} is no longer a moderator."))
