"""Data export and account deletion (the work is in ``accounts.data_rights``)."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from accounts.data_rights import delete_account, export_all

from ..forms import (
    DeleteAccountForm,
)

# --- Data export and account deletion --------------------------------------------


@login_required
@require_GET
def export_page(request):
    return render(request, "moderation/export.html")


@login_required
@require_GET
def export_download(request):
    data = export_all(request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False, default=str),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="connect-my-data.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def delete_account_view(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        delete_account(user)
        messages.success(
            request, gettext("Your account and personal data have been deleted. Take care.")
        )
        return redirect("landing")
    return render(
        request,
        "moderation/delete_account.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
