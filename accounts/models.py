"""Identity (User) and the onboarding profile that matching reads."""

from contextlib import contextmanager
from contextvars import ContextVar
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# While set, a User prints as "member #<id> (<display name>)" instead of its
# email: the admin sets it for everyone who is not a superuser, so foreign-key
# columns, object titles and breadcrumbs never show an email address.
_emails_hidden: ContextVar[bool] = ContextVar("connect_emails_hidden", default=False)


@contextmanager
def emails_hidden():
    """Within this block, ``str(user)`` never shows an email address."""
    token = _emails_hidden.set(True)
    try:
        yield
    finally:
        _emails_hidden.reset(token)


class UserManager(BaseUserManager["User"]):
    """Users log in by email; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person's login. Everything shown to others lives on Profile."""

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    # By email, not username: a BaseUserManager, not the username-based UserManager.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    def __str__(self):
        if _emails_hidden.get():
            return self.member_label
        return self.email

    @property
    def member_label(self) -> str:
        """How admin pages name a person to anyone who may not see emails."""
        return f"member #{self.pk} ({self.display_name})"

    def get_short_name(self) -> str:
        # Greetings (the admin header among them) use the display name, never the email.
        return self.display_name

    @property
    def display_name(self) -> str:
        profile = getattr(self, "profile", None)
        if profile and profile.display_name:
            return profile.display_name
        return gettext("Connect member")


class Topic(models.Model):
    """Something people want to talk about (seeded by a data migration)."""

    slug = models.SlugField(unique=True, max_length=50)
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """The name in the active language (the seeded names are in the catalog)."""
        return gettext(self.name) if self.name else ""


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIRTUAL = "virtual", _("By video")
    EITHER = "either", _("Either")


class Profile(models.Model):
    """What a person tells Connect in onboarding.

    ``availability`` holds 30-minute cells of a week in the person's own time
    zone (0 = Monday 00:00 local … 335 = Sunday 23:30 local); the selector
    ``accounts.selectors.profile_utc_free_slots`` turns them into UTC cells
    of a given week. Location is a city's point only, never an address.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(max_length=40, blank=True)
    pronouns = models.CharField(max_length=30, blank=True)
    about = models.TextField(max_length=500, blank=True)

    adult_confirmed_at = models.DateTimeField(null=True, blank=True)
    guidelines_version = models.CharField(max_length=20, blank=True)
    guidelines_accepted_at = models.DateTimeField(null=True, blank=True)

    topics: "models.ManyToManyField[Topic, ProfileTopic]" = models.ManyToManyField(
        Topic, through="ProfileTopic", blank=True
    )
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.EITHER)

    city_name = models.CharField(max_length=120, blank=True)
    country_code = models.CharField(max_length=2, blank=True)
    city_geoname_id = models.PositiveIntegerField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    radius_km = models.PositiveSmallIntegerField(
        default=15, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    timezone = models.CharField(max_length=64, default="UTC")
    # The language the site, its emails and notifications speak to this person
    # (set from the browser at sign-up; the switch and profile edit change it).
    language = models.CharField(
        max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    availability = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)
    size_min = models.PositiveSmallIntegerField(
        default=4, validators=[MinValueValidator(4), MaxValueValidator(8)]
    )
    size_max = models.PositiveSmallIntegerField(
        default=8, validators=[MinValueValidator(4), MaxValueValidator(8)]
    )

    is_looking = models.BooleanField(
        default=False, help_text="Waiting to be matched into a circle (a seeker)."
    )
    waiting_rounds = models.PositiveIntegerField(default=0)
    # How many onboarding steps are saved, so a person can stop and resume.
    onboarding_step = models.PositiveSmallIntegerField(default=0)
    onboarded_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(radius_km__gte=1) & Q(radius_km__lte=100), name="profile_radius_1_100"
            ),
            models.CheckConstraint(
                condition=Q(size_min__gte=4) & Q(size_max__lte=8) & Q(size_min__lte=F("size_max")),
                name="profile_size_range_4_8",
            ),
        ]

    def __str__(self):
        return self.display_name or f"profile {self.pk}"

    @property
    def is_onboarded(self) -> bool:
        return self.onboarded_at is not None

    @property
    def has_agreed(self) -> bool:
        """18+ confirmed and the guidelines in force accepted: the agreements
        every circle-related action (joining, chat, RSVP, calendar feed) needs."""
        return self.adult_confirmed_at is not None and self.guidelines_current

    @property
    def guidelines_current(self) -> bool:
        """Whether the person accepted the guidelines version in force now."""
        return self.guidelines_version == settings.CONNECT_GUIDELINES_VERSION


class ProfileTopic(models.Model):
    """A topic a person picked, with how much it matters (1–3)."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="topic_weights")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE)
    weight = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["profile", "topic"], name="profile_topic_once"),
            models.CheckConstraint(
                condition=Q(weight__gte=1) & Q(weight__lte=3), name="profile_topic_weight_1_3"
            ),
        ]

    def __str__(self):
        return f"{self.topic_id} ({self.weight})"
