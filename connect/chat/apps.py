from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "connect.chat"
    label = "chat"
    verbose_name = "Circle chat"
