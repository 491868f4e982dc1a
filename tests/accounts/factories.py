import factory
from allauth.account.models import EmailAddress

from accounts.models import User

PASSWORD = "correct-horse-41"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.ru")
    last_name = "Петров"
    first_name = "Пётр"
    patronymic = "Петрович"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        user.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
