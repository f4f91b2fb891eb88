"""Blocks, mutes, suspensions and warnings now belong to the safety app.

Only Django's idea of the models moves: the tables (and their rows) stay as
they are, and ``safety.0001_initial`` takes the models over with the same
table names.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("moderation", "0004_report_reason_not_as_described"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Block"),
                migrations.DeleteModel(name="Mute"),
                migrations.DeleteModel(name="Suspension"),
                migrations.DeleteModel(name="ModerationWarning"),
            ],
            database_operations=[],
        ),
    ]
