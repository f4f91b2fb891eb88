app_name = "meetups"
urlpatterns: list = []
