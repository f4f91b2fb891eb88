"""Every page carries a Content-Security-Policy, a Referrer-Policy and a
Permissions-Policy; pages for a logged-in person are never cached."""

from django.urls import reverse


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parts = [p.split() for p in policy.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


def test_hole_12_pages_carry_a_content_security_policy(client, member_user):
    for response in (client.get(reverse("landing")), client.get(reverse("guidelines"))):
        csp = directives(response)
        assert csp["default-src"] == ["'self'"]
        assert csp["script-src"] == ["'self'"]  # no inline script, no eval
        assert csp["frame-ancestors"] == ["'none'"]
        assert csp["object-src"] == ["'none'"]
        assert csp["base-uri"] == ["'self'"]
        assert csp["form-action"] == ["'self'"]
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    client.force_login(member_user)
    csp = directives(client.get(reverse("dashboard")))
    # The chat socket: same host only, by ws: (and wss: behind TLS).
    assert set(csp["connect-src"]) == {"'self'", "ws://testserver"}
    secure = client.get(reverse("dashboard"), secure=True)
    assert set(directives(secure)["connect-src"]) == {"'self'", "wss://testserver"}


def test_hole_12_member_pages_are_never_cached(client, member_user):
    assert "no-store" not in client.get(reverse("guidelines")).get("Cache-Control", "")
    client.force_login(member_user)
    for name in ("dashboard", "moderation:home", "moderation:blocks", "guidelines"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
    # A response that chose its own Cache-Control keeps it.
    download = client.get(reverse("moderation:export_download"))
    assert download["Cache-Control"] == "no-store"


def test_hole_12_referrer_and_permissions_policies(client):
    response = client.get(reverse("landing"))
    assert response["Referrer-Policy"] == "same-origin"
    features = dict(
        item.strip().split("=", 1) for item in response["Permissions-Policy"].split(",")
    )
    assert features["camera"] == "(self)" and features["microphone"] == "(self)"
    for off in ("geolocation", "payment", "usb"):
        assert features[off] == "()"


def test_htmx_is_configured_not_to_inject_styles(client):
    body = client.get(reverse("landing")).content.decode()
    assert '<meta name="htmx-config"' in body and '"includeIndicatorStyles": false' in body
