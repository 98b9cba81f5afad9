"""Factories for the shared kernel; apps add theirs beside their tests."""
import factory
from allauth.account.models import EmailAddress
from django.conf import settings
from django.utils import translation

from market.accounts.models import Membership, Organisation, Role, User

PASSWORD = "kopi-robusta-Silo-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.id")
    full_name = factory.Faker("name", locale="id_ID")
    role = Role.CONSUMER
    # A test user reads the language the test runs in, so mail to them matches what the test asserts.
    language = factory.LazyFunction(lambda: translation.get_language() or settings.LANGUAGE_CODE)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """Users have a verified primary email unless ``verified=False``."""
        if create:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, primary=True, verified=extracted is not False)


class OfficerFactory(UserFactory):
    role = Role.OFFICER
    is_staff = True


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Faker("company", locale="id_ID")
    kind = Organisation.Kind.PRODUCER


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.OWNER
