from django.apps import AppConfig


class CirclesConfig(AppConfig):
    name = "connect.circles"
    label = "circles"
    verbose_name = "Circles"
