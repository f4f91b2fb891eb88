from django.contrib import admin

from .models import Block, Mute, Report, Suspension

admin.site.register(Block)
admin.site.register(Suspension)
admin.site.register(Mute)
admin.site.register(Report)
