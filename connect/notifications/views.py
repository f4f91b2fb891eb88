from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import PreferenceForm
from .selectors import notification_preference_for, notifications_for
from .services import notifications_mark_read


@login_required
def notification_list(request):
    return render(
        request,
        "notifications/list.html",
        {"notifications": notifications_for(request.user)},
    )


@login_required
@require_POST
def notification_mark_all_read(request):
    notifications_mark_read(request.user)
    return redirect("notifications:list")


@login_required
def notification_preferences(request):
    pref = notification_preference_for(request.user)
    form = PreferenceForm(request.POST or None, instance=pref)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})
