"""``{% chat_panel circle %}``: the circle page embeds the chat with this tag."""

from django import template

from connect.chat import permissions, selectors

register = template.Library()


@register.inclusion_tag("chat/_panel.html", takes_context=True)
def chat_panel(context, circle):
    """Render the chat panel for a member (nothing for anyone who may not read it)."""
    from connect.chat.views import room_context

    request = context["request"]
    try:
        access = permissions.access_circle_chat(request.user, circle.pk, to_post=False)
    except permissions.ChatError:
        return {"hide": True}
    return {
        **room_context(request, circle, access),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag(takes_context=True)
def chat_unread_counts(context) -> dict:
    """``{% chat_unread_counts as unread %}``: {circle_id: unread count} for the dashboard."""
    return selectors.unread_counts_for(context["request"].user)


@register.filter
def chat_unread_for(counts: dict, circle_id) -> int:
    """``{{ unread|chat_unread_for:circle.pk }}``: that circle's unread count (0 if none)."""
    return counts.get(circle_id, 0) if counts else 0
