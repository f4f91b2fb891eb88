"""One calm stylesheet: every colour a token, a dark scheme that follows the
system, visible focus, and nothing but site.css linked by any page."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

CSS = (Path(__file__).resolve().parents[2] / "static" / "css" / "site.css").read_text()
COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}\b|\brgba?\(|\bhsla?\(")


def test_every_colour_is_a_token_with_a_dark_counterpart():
    light = re.search(r":root \{(.*?)\n\}", CSS, re.S).group(1)
    dark = re.search(
        r"@media \(prefers-color-scheme: dark\) \{\s*:root \{(.*?)\n  \}", CSS, re.S
    ).group(1)
    tokens = set(re.findall(r"(--[\w-]+):\s*#", light))
    assert tokens and tokens == set(re.findall(r"(--[\w-]+):\s*#", dark))
    rules = CSS.replace(light, "").replace(dark, "")
    assert not COLOUR.search(rules), COLOUR.search(rules)
    assert "color-scheme: light dark" in CSS
    assert re.search(r":focus-visible \{ outline: 3px solid var\(--focus\)", CSS)
    assert "prefers-reduced-motion" in CSS


@pytest.mark.django_db
def test_pages_link_only_the_one_stylesheet(client, membership):
    client.force_login(membership.user)
    for url in (reverse("dashboard"), reverse("chat:room", args=[membership.circle_id])):
        body = client.get(url).content.decode()
        links = re.findall(r'<link rel="stylesheet" href="([^"]+)"', body)
        assert links == ["/static/css/site.css"], (url, links)
        assert "style=" not in body.split("<body", 1)[1]
