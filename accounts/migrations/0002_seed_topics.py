"""Seed the topic list people pick from, and name the site for emails."""

from django.db import migrations

TOPICS = [
    ("grief", "Grief and loss"),
    ("anxiety", "Anxiety"),
    ("depression", "Depression and low mood"),
    ("loneliness", "Loneliness"),
    ("new-parents", "New parents"),
    ("caregiving", "Caregiving"),
    ("chronic-illness", "Chronic illness"),
    ("addiction-recovery", "Addiction recovery"),
    ("divorce-breakups", "Divorce and breakups"),
    ("career-change", "Career change"),
    ("job-loss", "Job loss"),
    ("moving-city", "Moving to a new city"),
    ("lgbtq", "LGBTQ+ support"),
    ("students", "Students"),
    ("retirement", "Retirement"),
    ("screens-and-ai", "Cutting down on screens and AI companions"),
    ("burnout", "Burnout and stress"),
    ("infertility", "Infertility and pregnancy loss"),
    ("neurodivergence", "ADHD and neurodivergence"),
    ("body-image", "Body image and eating"),
    ("veterans", "Veterans"),
    ("immigrants", "Immigrants and expats"),
    ("single-parents", "Single parents"),
    ("men-talking", "Men talking"),
    ("older-adults", "Later life"),
    ("social-anxiety", "Shyness and social anxiety"),
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
