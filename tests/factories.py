"""factory_boy factories shared by every test package."""

import factory
from allauth.account.models import EmailAddress
from django.db.models import F
from django.utils import timezone

from accounts.models import Profile, ProfileTopic, Topic, User
from connect.circles.models import Circle, Membership

# Monday–Friday 18:00–21:00 local: a common evening habit.
EVENINGS = [day * 48 + cell for day in range(5) for cell in range(36, 42)]


class UserFactory(factory.django.DjangoModelFactory):
    """A user whose email is verified (allauth's EmailAddress row)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    password = factory.django.Password("a-good-long-passphrase")

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


def onboard(user, **fields) -> Profile:
    """Fill ``user``'s profile as finished onboarding would."""
    topics = fields.pop("topics", {"loneliness": 2, "anxiety": 1})
    defaults = {
        "display_name": f"Member {user.pk}",
        "adult_confirmed_at": timezone.now(),
        "guidelines_version": "2026-11",
        "guidelines_accepted_at": timezone.now(),
        "mode": "either",
        "city_name": "London",
        "country_code": "GB",
        "lat": 51.50853,
        "lon": -0.12574,
        "radius_km": 20,
        "timezone": "Europe/London",
        "availability": EVENINGS,
        "languages": ["en"],
        "is_looking": True,
        "onboarded_at": timezone.now(),
    }
    defaults.update(fields)
    profile = user.profile
    for key, value in defaults.items():
        setattr(profile, key, value)
    profile.save()
    for slug, weight in topics.items():
        ProfileTopic.objects.update_or_create(
            profile=profile, topic=Topic.objects.get(slug=slug), defaults={"weight": weight}
        )
    return profile


class OnboardedUserFactory(UserFactory):
    @factory.post_generation
    def onboarded(obj, create, extracted, **kwargs):
        if create:
            onboard(obj, **kwargs)


class CircleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Circle

    name = factory.Sequence(lambda n: f"Evening circle {n}")
    mode = Circle.Mode.VIRTUAL
    language = "en"
    start_slot = 36 + 48  # Tuesday 18:00 UTC
    capacity = 6
    status = Circle.Status.ACTIVE


class MembershipFactory(factory.django.DjangoModelFactory):
    """An active membership; keeps the circle's seat count in step."""

    class Meta:
        model = Membership

    circle = factory.SubFactory(CircleFactory)
    user = factory.SubFactory(OnboardedUserFactory)
    role = Membership.Role.MEMBER

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        membership = super()._create(model_class, *args, **kwargs)
        if membership.status == Membership.Status.ACTIVE:
            Circle.objects.filter(pk=membership.circle_id).update(
                member_count=F("member_count") + 1
            )
            membership.circle.refresh_from_db()
        return membership


class NotAgreedUserFactory(UserFactory):
    """Saved "about you" but never confirmed 18+ nor accepted the guidelines."""

    @factory.post_generation
    def about_saved(obj, create, extracted, **kwargs):
        if create:
            profile = obj.profile
            profile.display_name = kwargs.get("display_name", f"Newcomer {obj.pk}")
            profile.onboarding_step = 1
            profile.save()


class StaffViewerFactory(OnboardedUserFactory):
    """Staff (may open the admin) but not a superuser: every "view" permission, nothing more."""

    is_staff = True

    @factory.post_generation
    def view_permissions(obj, create, extracted, **kwargs):
        if create:
            from django.contrib.auth.models import Permission

            obj.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
