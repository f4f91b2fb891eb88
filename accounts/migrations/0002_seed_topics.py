"""Seed the topic list people pick from, and name the site for emails."""

from django.db import migrations
from django.utils.translation import gettext_noop

# The names are stored in English and shown through the catalog (Topic.label).
TOPICS = [
    ("grief", gettext_noop("Grief and loss")),
    ("anxiety", gettext_noop("Anxiety")),
    ("depression", gettext_noop("Depression and low mood")),
    ("loneliness", gettext_noop("Loneliness")),
    ("new-parents", gettext_noop("New parents")),
    ("caregiving", gettext_noop("Caregiving")),
    ("chronic-illness", gettext_noop("Chronic illness")),
    ("addiction-recovery", gettext_noop("Addiction recovery")),
    ("divorce-breakups", gettext_noop("Divorce and breakups")),
    ("career-change", gettext_noop("Career change")),
    ("job-loss", gettext_noop("Job loss")),
    ("moving-city", gettext_noop("Moving to a new city")),
    ("lgbtq", gettext_noop("LGBTQ+ support")),
    ("students", gettext_noop("Students")),
    ("retirement", gettext_noop("Retirement")),
    ("screens-and-ai", gettext_noop("Cutting down on screens and AI companions")),
    ("burnout", gettext_noop("Burnout and stress")),
    ("infertility", gettext_noop("Infertility and pregnancy loss")),
    ("neurodivergence", gettext_noop("ADHD and neurodivergence")),
    ("body-image", gettext_noop("Body image and eating")),
    ("veterans", gettext_noop("Veterans")),
    ("immigrants", gettext_noop("Immigrants and expats")),
    ("single-parents", gettext_noop("Single parents")),
    ("men-talking", gettext_noop("Men talking")),
    ("older-adults", gettext_noop("Later life")),
    ("social-anxiety", gettext_noop("Shyness and social anxiety")),
]


def seed(apps, schema_editor):
    Topic = apps.get_model("accounts", "Topic")
    for position, (slug, name) in enumerate(TOPICS):
        Topic.objects.update_or_create(slug=slug, defaults={"name": name, "position": position})
    Site = apps.get_model("sites", "Site")
    Site.objects.update_or_create(pk=1, defaults={"domain": "127.0.0.1:8000", "name": "Connect"})


def unseed(apps, schema_editor):
    apps.get_model("accounts", "Topic").objects.filter(slug__in=[s for s, _ in TOPICS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("sites", "0002_alter_domain_unique"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
