from django.apps import AppConfig


class MeetupsConfig(AppConfig):
    name = "connect.meetups"
    label = "meetups"
    verbose_name = "Meetups"
