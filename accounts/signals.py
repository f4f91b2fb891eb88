"""Every user gets a profile the moment the user row exists."""

from django.db.models.signals import post_save
from django.dispatch import Signal, receiver

from .models import Profile, User


@receiver(post_save, sender=User)
def create_profile(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        Profile.objects.get_or_create(user=instance)


# Sent before a person is logged in: kwargs ``user``. A receiver that returns a
# message refuses the login and the message is shown (e.g. safety's suspension
# check); apps above accounts answer it, so accounts imports none of them.
login_requested = Signal()
