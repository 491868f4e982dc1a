import uuid

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import Category, Municipality, Official, Organization, Region
from regimes.models import Outcome

TEXT_MAX_LENGTH = 5000


class Ground(models.TextChoices):
    """Coded grounds to reject at moderation or to close without an answer on the merits (59-FZ art. 11)."""

    ANONYMOUS = "anonymous", _("no name or address for the answer")
    ABUSIVE = "abusive", _("abusive or threatening language")
    UNREADABLE = "unreadable", _("the text cannot be read")
    UNCLEAR = "unclear", _("the substance of the appeal is unclear")
    REPEATED = "repeated", _("repeated without new arguments")
    STATE_SECRET = "state_secret", _("an answer would disclose a state secret")
    OUT_OF_SCOPE = "out_of_scope", _("outside the platform's scope")
    SPAM = "spam", _("spam")
    DUPLICATE = "duplicate", _("duplicate of another appeal")
    # Not a ground of art. 11: the citizen's own right to withdraw (art. 5), coded the same way so
    # that every page, export and statistic counts it as "ended without an answer".
    WITHDRAWN = "withdrawn", _("withdrawn by the citizen")


# A public problem: an appeal its author made public, once the moderator accepted it (a rejected
# or not yet moderated appeal is never shown). The indexes below and the selectors share it.
PUBLIC_PROBLEM = Q(is_public=True) & ~Q(status__in=["submitted", "rejected"])


class Appeal(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("on moderation")
        REGISTERED = "registered", _("registered")
        IN_PROGRESS = "in_progress", _("in progress")
        CLARIFICATION = "clarification", _("waiting for clarification")
        ANSWERED = "answered", _("answered")
        CLOSED = "closed", _("closed")
        REJECTED = "rejected", _("rejected")

    class Channel(models.TextChoices):
        WEB = "web", _("website")
        WIDGET = "widget", _("widget on an organization's website")
        API = "api", _("API")
        PHONE = "phone", _("phone")
        PAPER = "paper", _("paper letter")
        VISIT = "visit", _("personal visit")

    class CloseReason(models.TextChoices):
        RATED = "rated", _("the citizen rated the answer")
        NOT_RATED = "not_rated", _("no rating in time")
        LOW_RATING_AFTER_REVIEW = "low_after_review", _("low rating after the re-review")
        GROUND = "ground", _("closed without an answer on the merits")
        INCIDENT = "incident", _("closed with the incident it belongs to")
        FIX_CONFIRMED = "fix_confirmed", _("the citizen confirmed the work is done")
        FIX_ESCALATED = "fix_escalated", _("not solved twice: escalated to the supervising body")

    OPEN_STATUSES = (Status.REGISTERED, Status.IN_PROGRESS, Status.CLARIFICATION)
    # A public problem: made public by its author and past moderation (not submitted or rejected).
    PUBLIC_STATUSES = (
        Status.REGISTERED,
        Status.IN_PROGRESS,
        Status.CLARIFICATION,
        Status.ANSWERED,
        Status.CLOSED,
    )

    number = models.CharField(_("number"), max_length=20, unique=True)
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="appeals",
        verbose_name=_("citizen"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="appeals", verbose_name=_("region")
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="appeals", verbose_name=_("category")
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="appeals",
        verbose_name=_("municipality"),
    )
    address = models.CharField(_("address of the problem"), max_length=300, blank=True)
    house = models.ForeignKey(
        "places.House",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appeals",
        verbose_name=_("house from the address registry"),
    )
    place_description = models.TextField(
        _("description of the place"),
        max_length=1000,
        blank=True,
        db_default="",  # bulk writers (the demo's COPY) leave the column out
        help_text=_("When there is no exact address: how to find the place."),
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    # Float copies of the point for the map's bounding boxes and grid clusters: comparisons and
    # arithmetic on doubles cost a third of numeric ones over tens of thousands of rows.
    map_latitude = models.GeneratedField(
        expression=Cast("latitude", models.FloatField()),
        output_field=models.FloatField(),
        db_persist=True,
    )
    map_longitude = models.GeneratedField(
        expression=Cast("longitude", models.FloatField()),
        output_field=models.FloatField(),
        db_persist=True,
    )
    text = models.TextField(_("text"), max_length=TEXT_MAX_LENGTH)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appeals",
        verbose_name=_("responsible organization"),
    )
    complained_organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("organization complained about"),
        help_text=_("A complaint is never redirected to the organization it complains about."),
    )
    # «Кому адресовано»: the official of the organization the citizen addressed (filing form).
    addressee = models.ForeignKey(
        Official,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="addressed_appeals",
        verbose_name=_("addressed to"),
    )
    # A complaint about an official's actions is never assigned to, taken by or signed by that
    # official's staff account (as a complaint is never sent to the organization it complains about).
    complained_official = models.ForeignKey(
        Official,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("official complained about"),
        help_text=_("The official never reviews, answers or signs the answer to this appeal."),
    )
    # Copies to several competent bodies: a copy is an appeal of its own in the other
    # organization's queue (its own term, regime and answer), linked to the main appeal the
    # citizen follows; one consolidated answer notice goes out when every part is answered.
    copy_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="copies",
        verbose_name=_("copy of"),
    )
    consolidated_at = models.DateTimeField(
        _("consolidated answer sent"),
        null=True,
        blank=True,
        help_text=_("When every organization had answered its part and the citizen was told once."),
    )
    executor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_appeals",
        verbose_name=_("executor"),
    )
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB
    )
    is_public = models.BooleanField(_("public"), default=False)
    # The public version of the text: written only by a moderator, who removes personal data of
    # third parties; shown on /problems/ only once checked (public_text_checked_at set). Checked
    # and blank: the moderator withheld the text.
    # db_default: bulk loaders (demo generator's COPY) that do not name the column get "".
    public_text = models.TextField(
        _("public text"), max_length=TEXT_MAX_LENGTH, blank=True, default="", db_default=""
    )
    public_text_checked_at = models.DateTimeField(_("public text checked"), null=True, blank=True)
    public_text_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("public text checked by"),
    )
    # Residents who joined the public problem («Присоединиться»): kept by appeals/services/support.py
    # in the joining transaction, so lists sort by it without counting rows.
    supporters_count = models.PositiveIntegerField(_("supporters"), default=0, db_default=0)
    incident = models.ForeignKey(
        "Incident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appeals",
        verbose_name=_("incident"),
    )
    # The published outage under way at the appeal's address when it was filed (set by the filing
    # service): staff see the link and may answer with the outage's notice.
    outage = models.ForeignKey(
        "outages.Outage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appeals",
        verbose_name=_("outage at the address"),
    )
    answer_by_email = models.BooleanField(
        _("answer text by e-mail"),
        default=False,
        db_default=False,
        help_text=_("The citizen asked for the text of the answer by e-mail, not only a notice."),
    )
    # A collective appeal (59-FZ art. 4): its author shares a join link whose secret this is, and
    # identified co-signers sign it until registration (appeals/services/collective.py keeps
    # `cosigners_count` in the joining transaction, so rows show «N подписей» without counting).
    collective_token = models.CharField(
        _("join link of the collective appeal"), max_length=64, null=True, blank=True, unique=True
    )
    cosigners_count = models.PositiveIntegerField(_("co-signers"), default=0, db_default=0)
    # The rules the appeal is reviewed under, fixed at registration: the version in force when it
    # was filed, for its category at its organization's kind (regimes/selectors.py). Empty before
    # registration, and where no regime rule applies: then the category's own term stands.
    regime_version = models.ForeignKey(
        "regimes.RegimeVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("regime"),
    )
    # 547-FZ: an electronic 59-FZ appeal needs an identified author. Filed by someone the channel
    # could not identify, the appeal is reviewed under the fallback (a platform message) and keeps
    # here the rules it would have had, until its author identifies and converts it.
    official_regime_version = models.ForeignKey(
        "regimes.RegimeVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("regime once the author is identified"),
    )
    # The question of the all-Russian thematic classifier the appeal is reported under (Decree
    # 171): its category's at registration, corrected by staff where the text says otherwise.
    topic = models.ForeignKey(
        "reporting.Topic",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("classifier heading"),
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    registration_due_at = models.DateTimeField(_("registration due"))
    registered_at = models.DateTimeField(_("registered"), null=True, blank=True)
    due_at = models.DateTimeField(_("answer due"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    close_reason = models.CharField(
        _("close reason"), max_length=20, choices=CloseReason.choices, blank=True
    )
    ground = models.CharField(_("ground"), max_length=20, choices=Ground.choices, blank=True)
    complaint_about = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_about_answer",
        verbose_name=_("complaint about the answer to"),
        help_text=_("The appeal whose answer this one complains about to the supervising body."),
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("duplicate of"),
    )
    extension_days = models.PositiveSmallIntegerField(
        _("extension, days"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    extension_reason = models.TextField(_("extension reason"), blank=True)
    redirect_count = models.PositiveSmallIntegerField(_("redirects"), default=0)
    review_round = models.PositiveSmallIntegerField(_("re-review round"), default=0)
    # Proof of fix (appeals/services/fixes.py): when the citizen confirmed the work on site was
    # done; the «Вы сказали — мы сделали» page lists the public problems fixed in a month.
    fixed_at = models.DateTimeField(_("fix confirmed by the citizen"), null=True, blank=True)
    flagged_for_moderator = models.BooleanField(_("flagged for the moderator"), default=False)
    rating_requested_at = models.DateTimeField(_("rating requested"), null=True, blank=True)
    # Marks of the background sweeps: each says "done" for the current term, so a sweep that runs
    # twice, concurrently or late after an outage acts once (appeals/services/sweeps.py).
    rating_reminded_at = models.DateTimeField(_("rating reminder sent"), null=True, blank=True)
    registration_alerted_at = models.DateTimeField(
        _("moderators alerted about the registration term"), null=True, blank=True
    )
    due_warning_stage = models.PositiveSmallIntegerField(
        _("deadline warnings sent"),
        default=0,
        db_default=0,
        help_text=_("0: none; 1: three days before; 2: one day before."),
    )
    due_warned_for = models.DateTimeField(
        _("deadline the warnings were sent for"), null=True, blank=True
    )
    overdue_at = models.DateTimeField(
        _("marked overdue"),
        null=True,
        blank=True,
        help_text=_(
            "Set when the term of the current round passed without an answer; cleared for a re-review."
        ),
    )
    # The quality gate (quality/): an answer returned for rework is due again by this time (the
    # organization's internal rework term, shown to staff); cleared when the new version is sent.
    rework_due_at = models.DateTimeField(_("rework due"), null=True, blank=True)
    consent_at = models.DateTimeField(_("consent to personal data processing"))
    consent_version = models.CharField(_("consent text version"), max_length=20)
    idempotency_key = models.UUIDField(_("form token"), null=True, blank=True, unique=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    search = models.GeneratedField(
        expression=SearchVector("text", "address", config="russian"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["submitted", "rejected"])
                | Q(registered_at__isnull=False, due_at__isnull=False, organization__isnull=False),
                name="appeal_registered_has_organization_and_due_date",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["answered", "closed"])
                | Q(answered_at__isnull=False)
                | ~Q(ground=""),
                name="appeal_answered_has_answer_time",
            ),
            models.CheckConstraint(
                condition=Q(review_round__lte=1), name="appeal_one_re_review_at_most"
            ),
            models.CheckConstraint(
                condition=Q(extension_days__isnull=True)
                | Q(extension_days__gte=1, extension_days__lte=30),
                name="appeal_extension_up_to_30_days",
            ),
        ]
        indexes = [
            models.Index(fields=["region", "status", "submitted_at"], name="appeal_moderation_idx"),
            models.Index(fields=["organization", "status", "due_at"], name="appeal_queue_idx"),
            models.Index(fields=["citizen", "-submitted_at"], name="appeal_citizen_idx"),
            # The organization's queue in its default order (nearest deadline first).
            models.Index(fields=["organization", "due_at"], name="appeal_queue_due_idx"),
            models.Index(
                fields=["organization", "category", "due_at"], name="appeal_queue_category_idx"
            ),
            # Open appeals only (overdue, due soon): a small index however many closed ones pile up.
            models.Index(
                fields=["organization", "due_at"],
                condition=Q(status__in=["registered", "in_progress", "clarification"]),
                name="appeal_open_due_idx",
            ),
            # The sweeps: each reads a small partial index of the appeals still waiting for it.
            models.Index(
                fields=["due_at"],
                condition=Q(status__in=["registered", "in_progress", "clarification"]),
                name="appeal_sweep_due_idx",
            ),
            models.Index(
                fields=["due_at"],
                condition=Q(
                    status__in=["registered", "in_progress", "clarification"],
                    overdue_at__isnull=True,
                ),
                name="appeal_sweep_overdue_idx",
            ),
            models.Index(
                fields=["registration_due_at"],
                condition=Q(status="submitted", registration_alerted_at__isnull=True),
                name="appeal_sweep_registration_idx",
            ),
            models.Index(
                fields=["rating_requested_at"],
                condition=Q(status="answered"),
                name="appeal_sweep_rating_idx",
            ),
            # Similar appeals: same category and place, newest first.
            models.Index(
                fields=["category", "municipality", "-submitted_at"], name="appeal_similar_idx"
            ),
            # Similar appeals on the staff page (the organization's own): an index scan that
            # stops after the newest few rows, however many the organization has.
            models.Index(
                fields=["organization", "category", "municipality", "-submitted_at"],
                name="appeal_staff_similar_idx",
            ),
            GinIndex(fields=["search"], name="appeal_search_gin"),
            # Public problems (appeals/selectors/public.py) of a region (each region's pages
            # show their own; tests/platform/test_region_indexes.py): bounding boxes of the map
            # and the grid clusters read this small index only (number included: an index-only
            # scan).
            models.Index(
                fields=["region", "map_latitude", "map_longitude"],
                include=["number"],
                condition=PUBLIC_PROBLEM,
                name="appeal_region_point_idx",
            ),
            models.Index(
                fields=["region", "-submitted_at"],
                condition=PUBLIC_PROBLEM,
                name="appeal_region_public_idx",
            ),
            # «Вы сказали — мы сделали» (appeals/selectors/fixes.py): a region's public problems
            # by the time their fix was confirmed, or by the time they closed.
            models.Index(
                fields=["region", "-fixed_at"],
                condition=PUBLIC_PROBLEM & Q(fixed_at__isnull=False),
                name="appeal_region_fixed_idx",
            ),
            models.Index(
                fields=["region", "-closed_at"],
                condition=PUBLIC_PROBLEM & Q(status="closed"),
                name="appeal_region_closed_idx",
            ),
            # The moderators' list of public texts still to check: a handful of rows at any time.
            models.Index(
                fields=["region", "submitted_at"],
                condition=Q(is_public=True, public_text_checked_at__isnull=True),
                name="appeal_public_text_check_idx",
            ),
            # The queue sorted by the number of supporters (most supported first).
            models.Index(
                fields=["organization", "-supporters_count", "due_at"],
                name="appeal_queue_support_idx",
            ),
            # Nearby public problems of a category while filing: a latitude range scan.
            models.Index(
                fields=["category", "latitude", "longitude"],
                condition=Q(is_public=True, latitude__isnull=False),
                name="appeal_public_nearby_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("appeals:detail", kwargs={"number": self.number})

    # Django's generated get_FOO_display() rebuilds a dictionary of every choice on each call
    # (every row of a list shows a status and a channel): these look the label up in one built once.
    def get_status_display(self) -> str:
        return str(_STATUS_LABELS.get(self.status, self.status))

    def get_channel_display(self) -> str:
        return str(_CHANNEL_LABELS.get(self.channel, self.channel))

    @property
    def is_collective(self) -> bool:
        return self.collective_token is not None

    @property
    def signatures(self) -> int:
        """The author's signature and the co-signers'."""
        return self.cosigners_count + 1


_STATUS_LABELS = dict(Appeal.Status.choices)
_CHANNEL_LABELS = dict(Appeal.Channel.choices)


class Incident(models.Model):
    """Appeals about one event (a burst main, a road not cleared), answered together.

    Each appeal keeps its own number, deadline, timeline and rating; the incident only lets one
    answer reach all of them and closes them together.
    """

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("region")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="incidents",
        verbose_name=_("responsible organization"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organization", "-created_at"], name="incident_org_idx"),
            models.Index(fields=["region", "-created_at"], name="incident_region_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("staff:incident", kwargs={"incident_id": self.pk})


class Support(models.Model):
    """A resident joined a public problem («Присоединиться»); one row per resident and problem."""

    appeal = models.ForeignKey(
        Appeal, on_delete=models.CASCADE, related_name="supports", verbose_name=_("appeal")
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="supports",
        verbose_name=_("citizen"),
    )
    created_at = models.DateTimeField(_("joined"), default=timezone.now)
    # The supporter's own view of the answer: not the appeal's rating, never in the statistics.
    rating = models.PositiveSmallIntegerField(
        _("rating"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    rated_at = models.DateTimeField(_("rated"), null=True, blank=True)

    class Meta:
        verbose_name = _("support of a problem")
        verbose_name_plural = _("supports of problems")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["appeal", "citizen"], name="support_one_per_citizen"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="support_rating_1_to_5",
            ),
        ]
        indexes = [models.Index(fields=["citizen", "-created_at"], name="support_citizen_idx")]

    def __str__(self) -> str:
        return f"{self.appeal_id} ← {self.citizen_id}"


class CoSigner(models.Model):
    """A co-signer of a collective appeal (59-FZ art. 4): an identified resident who signed it
    through the author's join link before registration; one row per person and appeal.

    The answer goes to the representative the author chose among the signers (the author when no
    row is marked), a copy to each co-signer who asked for one.
    """

    appeal = models.ForeignKey(
        Appeal, on_delete=models.CASCADE, related_name="cosigners", verbose_name=_("appeal")
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cosignatures",
        verbose_name=_("co-signer"),
    )
    wants_copy = models.BooleanField(_("wants a copy of the answer"), default=False)
    is_representative = models.BooleanField(_("representative of the signers"), default=False)
    created_at = models.DateTimeField(_("signed"), default=timezone.now)

    class Meta:
        verbose_name = _("co-signer")
        verbose_name_plural = _("co-signers")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["appeal", "citizen"], name="cosigner_once_per_appeal"),
            models.UniqueConstraint(
                fields=["appeal"],
                condition=Q(is_representative=True),
                name="cosigner_one_representative",
            ),
        ]
        indexes = [models.Index(fields=["citizen", "-created_at"], name="cosigner_citizen_idx")]

    def __str__(self) -> str:
        return f"{self.appeal_id} ✍ {self.citizen_id}"


class AppealNumberCounter(models.Model):
    """Last public number per region and year; incremented in the submitting transaction."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="appeal_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.region_id}-{self.year}: {self.last}"


def attachment_path(instance, filename: str) -> str:
    # Random names: nothing about the citizen or the original name reaches the file system.
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


def thumbnail_path(instance, filename: str) -> str:
    # Beside the file it shows: the same random name with a suffix.
    return f"{instance.file.name}-thumb.jpg"


class Attachment(models.Model):
    """A file of an appeal or of an answer. Uploaded before the appeal exists, it waits as a draft.

    A file another body sent in reply to a request for documents (DocumentRequest) belongs to
    that request, not to the appeal's own files: no list of the appeal's files shows it, and its
    citizen reads it only when staff grant it (MaterialsRequest, 59-FZ art. 5 p. 2).
    """

    appeal = models.ForeignKey(
        Appeal,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("appeal"),
    )
    answer = models.ForeignKey(
        "Answer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("answer"),
    )
    document_request = models.ForeignKey(
        "DocumentRequest",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("reply to the request for documents"),
    )
    draft_key = models.UUIDField(_("form token"), null=True, blank=True, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    # A small JPEG of an image, made once (on upload, or on the first request for older files).
    thumbnail = models.FileField(
        _("thumbnail"), upload_to=thumbnail_path, max_length=220, blank=True
    )
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size, bytes"))
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [
            # The drafts sweep: files of forms that were never sent.
            models.Index(
                fields=["created_at"],
                condition=Q(appeal__isnull=True, answer__isnull=True),
                name="attachment_draft_idx",
            ),
        ]
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class Event(models.Model):
    """The timeline and audit trail of an appeal: every transition and every notable action."""

    class Action(models.TextChoices):
        # The transitions of appeals/workflow.py
        SUBMIT = "submit", _("submitted")
        ACCEPT = "accept", _("registered and sent to the organization")
        REJECT = "reject", _("not accepted for consideration")
        TAKE = "take", _("taken into work")
        ASSIGN = "assign", _("taken into work")
        REQUEST_CLARIFICATION = "request_clarification", _("clarification requested")
        REPLY_TO_CLARIFICATION = "reply_to_clarification", _("clarification sent")
        REDIRECT = "redirect", _("redirected to another organization")
        EXTEND_DEADLINE = "extend_deadline", _("term extended")
        ANSWER = "answer", _("answered")
        RATE = "rate", _("rated")
        CLOSE = "close", _("closed")
        CLOSE_ON_GROUND = "close_on_ground", _("closed")
        NOTE = "note", _("internal note")
        HOLD_FOR_ACCOUNT = (
            "hold_for_account",
            _("filed for the e-mail of an existing account: held until its holder confirms it"),
        )
        CONFIRM_FOR_ACCOUNT = (
            "confirm_for_account",
            _("confirmed by the account holder and moved into their account"),
        )
        # The citizen's rights under 59-FZ art. 5
        WITHDRAW = "withdraw", _("withdrawn by the citizen")
        ADD_DOCUMENTS = "add_documents", _("documents and explanations added by the citizen")
        COMPLAIN = "complain", _("complaint about the answer sent to the supervising body")
        SEND_FOR_SIGNATURE = "send_for_signature", _("answer sent for signature")
        POST_ANSWER = "post_answer", _("the answer is sent by post")
        RETURN_FOR_REWORK = "return_for_rework", _("answer returned to the executor for rework")
        MAKE_OFFICIAL = (
            "make_official",
            _("the author identified: registered again as an official appeal"),
        )
        # Reading the materials of the case (59-FZ art. 5 p. 2) and requests for documents from
        # other bodies (art. 10 p. 2): keep the status
        REQUEST_MATERIALS = (
            "request_materials",
            _("the citizen asked to read the materials of the case"),
        )
        GRANT_MATERIALS = "grant_materials", _("reading the materials of the case granted")
        REFUSE_MATERIALS = "refuse_materials", _("reading the materials of the case refused")
        SEND_DOCUMENT_REQUEST = (
            "send_document_request",
            _("documents requested from another body"),
        )
        RECEIVE_DOCUMENT_REPLY = (
            "receive_document_reply",
            _("documents received from another body"),
        )
        # Officials and copies to several competent bodies
        COMPLAINT_ABOUT_OFFICIAL = (
            "complaint_about_official",
            _("marked as a complaint about the actions of an official"),
        )
        SEND_COPIES = "send_copies", _("copies sent to other competent organizations")
        CONSOLIDATE_ANSWERS = (
            "consolidate_answers",
            _("every organization has answered: one consolidated answer sent to the citizen"),
        )
        # Federal reporting: staff or the moderator correct the classifier heading (reporting/)
        CHANGE_TOPIC = "change_topic", _("classifier heading changed")
        # Marks of the actions and sweeps that change no status
        VIEW_CONTACTS = "view_contacts", _("contacts viewed")
        OVERDUE = "overdue", _("the term passed without an answer; the head was alerted")
        DUE_SOON = "due_soon", _("deadline warning sent to the organization")
        REGISTRATION_OVERDUE = (
            "registration_overdue",
            _("registration term passed; moderators alerted"),
        )
        RATING_REMINDER = "rating_reminder", _("reminder to rate the answer sent")
        # Public problems: the text a moderator checked for /problems/, or withheld; the author
        # making the appeal private again
        PUBLISH_PUBLIC_TEXT = "publish_public_text", _("public text checked and published")
        WITHHOLD_PUBLIC_TEXT = "withhold_public_text", _("public text withheld")
        MAKE_PRIVATE = "make_private", _("the author made the appeal private")
        # «Присоединиться» and incidents (issue 14): keep the status
        JOIN = "join", _("a resident joined the problem")
        LEAVE = "leave", _("a resident left the problem")
        RATE_AS_SUPPORTER = "rate_as_supporter", _("a supporter rated the answer")
        ADD_TO_INCIDENT = "add_to_incident", _("joined to an incident")
        REMOVE_FROM_INCIDENT = "remove_from_incident", _("removed from an incident")
        # A collective appeal (59-FZ art. 4): signatures are collected until registration, the
        # representative may change until the answer; none changes the status
        COLLECT_SIGNATURES = (
            "collect_signatures",
            _("made a collective appeal: co-signers may join through the link"),
        )
        COSIGN = "cosign", _("a co-signer signed the collective appeal")
        WITHDRAW_SIGNATURE = "withdraw_signature", _("a co-signer withdrew their signature")
        CHOOSE_REPRESENTATIVE = (
            "choose_representative",
            _("the representative of the signers is chosen"),
        )
        # The answer quality gate (quality/services.py): an answer held for the moderator's review,
        # one returned for rework against the criteria, a released one found formal
        HOLD_FOR_REVIEW = "hold_for_review", _("answer held for the quality review")
        RETURN_AFTER_REVIEW = (
            "return_after_review",
            _("answer returned for rework after the quality review"),
        )
        MARK_FORMAL = "mark_formal", _("the answer rated low is found formal")
        # Proof of fix (appeals/services/fixes.py): the citizen confirms the work on site or
        # refutes it («не решено»); the second refutation escalates to the supervising body
        CONFIRM_FIX = "confirm_fix", _("the citizen confirmed the work is done")
        REFUTE_FIX = "refute_fix", _("the citizen says it is not solved: sent back for re-review")
        ESCALATE_FIX = (
            "escalate_fix",
            _("not solved again: escalated to the supervising body"),
        )
        WORK_REMINDER = "work_reminder", _("reminder of the planned work sent to the organization")
        FIX_QUESTION = "fix_question", _("the citizen is asked whether the work is done")
        REPORT_WORK_DONE = "report_work_done", _("the organization reports the planned work done")

    appeal = models.ForeignKey(
        Appeal, on_delete=models.CASCADE, related_name="events", verbose_name=_("appeal")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20, blank=True)
    reason_code = models.CharField(_("reason code"), max_length=30, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    is_public = models.BooleanField(_("visible to the citizen"), default=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["appeal", "created_at"], name="event_timeline_idx"),
            # The Decree 171 ledger (reporting/report.py): a month's registrations, forwardings
            # and reviews ended without an answer, without reading every event ever written.
            models.Index(
                fields=["action", "created_at"],
                condition=Q(
                    action__in=[
                        "accept",
                        "make_official",
                        "redirect",
                        "close_on_ground",
                        "withdraw",
                    ]
                ),
                name="event_ledger_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.action}"


class WorkStatus(models.TextChoices):
    """What the answer says about the work on site (categories that require it); empty elsewhere."""

    DONE = "done", _("the work is done")
    PLANNED = "planned", _("the work is planned")
    NONE = "none", _("no work on site")


class Answer(models.Model):
    appeal = models.ForeignKey(
        Appeal, on_delete=models.CASCADE, related_name="answers", verbose_name=_("appeal")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("answer"), max_length=20000)
    review_round = models.PositiveSmallIntegerField(default=0)
    # Who released the answer, when the appeal's regime names a signer (the head or an
    # authorised official); empty where the executor's answer goes out as it is.
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed by"),
    )
    # The result of the review the answer states (the ССТУ result code is derived from it); one
    # of the outcomes the appeal's regime allows. Empty on answers given before results were kept.
    outcome = models.CharField(
        _("result of the review"),
        max_length=20,
        choices=Outcome.choices,
        blank=True,
        db_default="",
    )
    # The answer to a paper letter goes by post: when and with what tracking number it was sent.
    posted_on = models.DateField(_("sent by post on"), null=True, blank=True)
    post_tracking = models.CharField(
        _("postal tracking number"), max_length=40, blank=True, db_default=""
    )
    # Proof of fix (appeals/services/fixes.py): the work on site the answer states; the sweep's
    # marks (a reminder to the organization before `planned_on`, the question to the citizen
    # after it), and the citizen's confirmation or refutation.
    work_status = models.CharField(
        _("work on site"), max_length=10, choices=WorkStatus.choices, blank=True, db_default=""
    )
    planned_on = models.DateField(_("work planned on"), null=True, blank=True)
    work_reminded_at = models.DateTimeField(
        _("organization reminded of the planned work"), null=True, blank=True
    )
    fix_asked_at = models.DateTimeField(
        _("citizen asked whether the work is done"), null=True, blank=True
    )
    fix_confirmed_at = models.DateTimeField(_("work confirmed"), null=True, blank=True)
    fix_refuted_at = models.DateTimeField(_("work refuted"), null=True, blank=True)
    created_at = models.DateTimeField(_("answered"), default=timezone.now)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["appeal", "review_round"], name="answer_one_per_round"),
            models.CheckConstraint(
                condition=~Q(work_status="planned") | Q(planned_on__isnull=False),
                name="answer_planned_work_has_date",
            ),
        ]
        indexes = [
            # The planned-work sweep: the few answers whose reminder or question is still due.
            models.Index(
                fields=["planned_on"],
                condition=Q(work_status="planned", fix_asked_at__isnull=True),
                name="answer_planned_work_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id} #{self.review_round}"


class AnswerDraft(models.Model):
    """An executor's answer waiting for the signature the appeal's regime requires, or (stage
    "review") for the quality review before release (quality/services.py).

    Its files wait as drafts (Attachment.draft_key) under `draft_key`. Returned for rework, it
    keeps the signer's (reviewer's) comment until the executor sends a new version.
    """

    class Stage(models.TextChoices):
        SIGNATURE = "signature", _("waiting for signature")
        REVIEW = "review", _("waiting for the quality review")

    appeal = models.ForeignKey(
        Appeal, on_delete=models.CASCADE, related_name="answer_drafts", verbose_name=_("appeal")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("answer"), max_length=20000)
    outcome = models.CharField(
        _("result of the review"),
        max_length=20,
        choices=Outcome.choices,
        blank=True,
        db_default="",
    )
    draft_key = models.UUIDField(_("files key"), default=uuid.uuid4)
    review_round = models.PositiveSmallIntegerField(default=0)
    # Proof of fix: what the answer will say about the work on site (Answer.work_status).
    work_status = models.CharField(
        _("work on site"), max_length=10, choices=WorkStatus.choices, blank=True, db_default=""
    )
    planned_on = models.DateField(_("work planned on"), null=True, blank=True)
    created_at = models.DateTimeField(_("sent for signature"), default=timezone.now)
    returned_at = models.DateTimeField(_("returned for rework"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("returned by"),
    )
    return_comment = models.TextField(_("what to change"), blank=True)
    stage = models.CharField(
        _("waiting for"),
        max_length=10,
        choices=Stage.choices,
        default=Stage.SIGNATURE,
        db_default=Stage.SIGNATURE,
    )
    # Held for review after the signer released it: the signature goes out with the answer.
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed by"),
    )

    class Meta:
        verbose_name = _("answer waiting for signature")
        verbose_name_plural = _("answers waiting for signature")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["appeal"],
                condition=Q(returned_at__isnull=True),
                name="answer_draft_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id} draft"


class Rating(models.Model):
    appeal = models.ForeignKey(
        Appeal, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("appeal")
    )
    answer = models.OneToOneField(
        Answer, on_delete=models.CASCADE, related_name="rating", verbose_name=_("answer")
    )
    score = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    solved = models.BooleanField(_("the problem is solved"))
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("rated"), default=timezone.now)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="rating_1_to_5")
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id}: {self.score}"


class ClarificationMessage(models.Model):
    class Kind(models.TextChoices):
        REQUEST = "request", _("request for clarification")
        REPLY = "reply", _("citizen's reply")

    appeal = models.ForeignKey(
        Appeal, on_delete=models.CASCADE, related_name="clarifications", verbose_name=_("appeal")
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("text"), max_length=TEXT_MAX_LENGTH)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("clarification message")
        verbose_name_plural = _("clarification messages")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.kind}"


class CalendarDay(models.Model):
    """An exception to the five-day week in the production calendar: a holiday or a working weekend."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("non-working day")
        WORKING = "working", _("working day (transferred)")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("production calendar day")
        verbose_name_plural = _("production calendar")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"


class AnswerTemplate(models.Model):
    """A reusable answer of an organization; placeholders like {citizen_name} are filled in."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="answer_templates",
        verbose_name=_("organization"),
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), max_length=20000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("answer template")
        verbose_name_plural = _("answer templates")
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "title"], name="answer_template_unique_title"
            )
        ]

    def __str__(self) -> str:
        return self.title


class SweepRun(models.Model):
    """The last run of each background sweep, for the background health page."""

    name = models.CharField(_("sweep"), max_length=50, primary_key=True)
    last_started_at = models.DateTimeField(_("last started"), null=True, blank=True)
    last_succeeded_at = models.DateTimeField(_("last succeeded"), null=True, blank=True)
    last_failed_at = models.DateTimeField(_("last failed"), null=True, blank=True)
    last_processed = models.PositiveIntegerField(_("processed in the last run"), default=0)
    last_duration_ms = models.PositiveIntegerField(_("duration of the last run, ms"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("background sweep")
        verbose_name_plural = _("background sweeps")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AccountHold(models.Model):
    """An appeal a partner or staff filed naming the e-mail of an existing account.

    Whoever types an e-mail does not prove they own it, so the appeal is filed by a contact record
    of its own and waits here until the account holder confirms it from the notice; only then is
    it theirs. Confirmed holds stay as the record of who confirmed and when.
    """

    appeal = models.OneToOneField(
        Appeal, on_delete=models.CASCADE, related_name="account_hold", verbose_name=_("appeal")
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("account"),
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("appeal held for an account")
        verbose_name_plural = _("appeals held for accounts")
        indexes = [
            models.Index(
                fields=["account"],
                condition=models.Q(confirmed_at__isnull=True),
                name="hold_pending_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id} → {self.account_id}"

    @property
    def is_pending(self) -> bool:
        return self.confirmed_at is None


class MaterialsRequest(models.Model):
    """The citizen asks to read the documents and materials of the review (59-FZ art. 5 p. 2).

    Staff of the organization grant it, choosing the documents the citizen may read (those that
    touch other people's rights or hold a secret protected by law are not chosen), or refuse it
    with a reason. One undecided request per appeal at a time.
    """

    class Decision(models.TextChoices):
        GRANTED = "granted", _("granted")
        REFUSED = "refused", _("refused")

    appeal = models.ForeignKey(
        Appeal,
        on_delete=models.CASCADE,
        related_name="materials_requests",
        verbose_name=_("appeal"),
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("citizen"),
    )
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("asked"), default=timezone.now)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    refusal_reason = models.TextField(_("reason of the refusal"), max_length=2000, blank=True)
    documents = models.ManyToManyField(
        Attachment,
        blank=True,
        related_name="materials_grants",
        verbose_name=_("documents the citizen may read"),
    )

    class Meta:
        verbose_name = _("request to read the materials")
        verbose_name_plural = _("requests to read the materials")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["appeal"],
                condition=Q(decided_at__isnull=True),
                name="materials_request_one_open",
            ),
            models.CheckConstraint(
                condition=Q(decision="", decided_at__isnull=True)
                | Q(decision__in=["granted", "refused"], decided_at__isnull=False),
                name="materials_request_decided_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(decision="refused") | ~Q(refusal_reason=""),
                name="materials_request_refusal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id} materials #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.decided_at is None


class DocumentRequest(models.Model):
    """A request for documents the organization sent to another body (59-FZ art. 10 p. 2).

    The other body owes the documents within its own term (DOCUMENT_REQUEST_DAYS, calendar days
    in the region's time zone); the reply is recorded when it arrives, with its file if any.
    """

    appeal = models.ForeignKey(
        Appeal,
        on_delete=models.CASCADE,
        related_name="document_requests",
        verbose_name=_("appeal"),
    )
    body_name = models.CharField(_("body asked"), max_length=300)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organization of the platform"),
    )
    question = models.TextField(_("documents asked for"), max_length=TEXT_MAX_LENGTH)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    due_at = models.DateTimeField(_("reply due"))
    reply_received_at = models.DateTimeField(_("reply received"), null=True, blank=True)
    reply_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reply recorded by"),
    )
    reply_text = models.TextField(_("reply"), max_length=TEXT_MAX_LENGTH, blank=True)

    class Meta:
        verbose_name = _("request for documents")
        verbose_name_plural = _("requests for documents")
        ordering = ["sent_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_at__gt=models.F("sent_at")),
                name="document_request_due_after_sent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id} → {self.body_name}"

    @property
    def is_answered(self) -> bool:
        return self.reply_received_at is not None

    @property
    def is_overdue(self) -> bool:
        """No reply, and the term has passed."""
        return self.reply_received_at is None and timezone.now() > self.due_at
