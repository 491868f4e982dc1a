from datetime import timedelta

import factory
from django.utils import timezone

from surveys.models import Comment, Discussion, Option, Question, Section, Survey
from tests.organizations.factories import OrganizationFactory


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    region = factory.LazyAttribute(lambda survey: survey.organization.region)
    kind = Survey.Kind.POLL
    title = factory.Sequence(lambda n: f"Опрос № {n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    survey = factory.SubFactory(SurveyFactory)
    text = factory.Sequence(lambda n: f"Вопрос {n}")
    kind = Question.Kind.SINGLE


class OptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Option

    question = factory.SubFactory(QuestionFactory)
    text = factory.Sequence(lambda n: f"Вариант {n}")


def make_survey(*, options=("Сквер на Ленинской", "Парк Победы", "Набережная"), **kwargs) -> Survey:
    """A published survey with one single-choice question and its options."""
    survey = SurveyFactory(**kwargs)
    question = QuestionFactory(survey=survey, text="Какое место благоустроить первым?")
    for position, text in enumerate(options, start=1):
        OptionFactory(question=question, text=text, position=position)
    return survey


class DiscussionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Discussion
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    region = factory.LazyAttribute(lambda discussion: discussion.organization.region)
    title = factory.Sequence(lambda n: f"Проект правил благоустройства № {n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    discussion = factory.SubFactory(DiscussionFactory)
    title = factory.Sequence(lambda n: f"Статья {n}")
    body = "Текст статьи: **обязанности** собственников."


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    discussion = factory.SubFactory(DiscussionFactory)
    author = factory.SubFactory("tests.accounts.factories.UserFactory")
    text = "Предлагаю уточнить сроки уборки снега."
    status = Comment.Status.PUBLISHED
