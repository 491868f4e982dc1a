"""SMS through an SMPP 3.4 gateway (an operator's SMSC): short status notices and their receipts.

The outbox (core/outbox.py) calls `send` with one SMS notification row and its text. Cyrillic goes
in UCS-2 (data_coding 8), a text longer than one SMS in concatenated parts (UDH), each part with
a delivery receipt requested. Every part the gateway accepts is stored (SmsPart, with the id the
gateway gave it) in the row's transaction, so a retry after a failure half-way submits only the
parts still missing, with the same concatenation reference: the phone never shows a part twice.

Receipts come back as deliver_sm on a receiver session: `listen` (the `smpp_receiver` command)
binds as a receiver and stores each one on its part.
"""

import logging
import re
import time
from collections.abc import Callable

import phonenumbers
import smpplib.client
import smpplib.consts as c
import smpplib.exceptions
import smpplib.gsm
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.errors import Undeliverable
from core.models import Notification, SmsPart

logger = logging.getLogger(__name__)

# A text of up to this many UCS-2 characters fits two concatenated parts (2 × 67).
TWO_PARTS = 2 * (c.UCS2_PART_SIZE // 2)
ONE_PART = c.UCS2_LENGTH // 2
RECEIPT = re.compile(
    rb"id:(?P<id>\S+).*?stat:(?P<stat>\w+)(?:.*?err:(?P<err>\w+))?", re.IGNORECASE | re.DOTALL
)
DELIVERED = "DELIVRD"
# esm_class bits 2-5 of a deliver_sm: 0001 is an SMSC delivery receipt (SMPP 3.4, 5.2.12).
RECEIPT_TYPE_MASK = 0x3C
SMSC_RECEIPT = 0x04
# How long the receiver waits for a PDU before it checks on the link (enquire_link).
LISTEN_POLL_SECONDS = 30.0
RECONNECT_SECONDS = 5.0


class SmsFailed(Exception):
    """The gateway is away or refused a part: the outbox tries again later."""


def available() -> bool:
    """SMS is offered only where an SMPP gateway is configured (SMPP_HOST)."""
    return bool(settings.SMPP_HOST)


def normalize_phone(value: str) -> str | None:
    """The number in E.164 (+79141234567) if it is a valid number that can receive SMS, else
    None. Numbers without a country code are read as Russian ones (8 914 … or 914 …)."""
    try:
        number = phonenumbers.parse(value, "RU")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    if phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(value: str) -> str:
    """The number as staff may see it: the country code, the first digit and the last two
    (+7 9** ***-**-12); the rest of it is personal data."""
    normalized = normalize_phone(value or "")
    digits = re.sub(r"\D", "", normalized or value or "")
    if normalized and normalized.startswith("+7") and len(digits) == 11:
        return f"+7 {digits[1]}** ***-**-{digits[-2:]}"
    if len(digits) >= 4:
        return ("+" if normalized else "") + "*" * (len(digits) - 2) + digits[-2:]
    return "—"


def split(text: str, *, reference: int) -> tuple[list[bytes], int, int]:
    """The parts of `text` as submitted (smpplib.gsm.make_parts: UCS-2 for Cyrillic, each part
    of a long text with its UDH), with a fixed concatenation `reference` so that a retry
    reproduces the same parts; returns (parts, data_coding, esm_class)."""
    parts, coding, esm_class = smpplib.gsm.make_parts(text, encoding=c.SMPP_ENCODING_ISO10646)
    if len(parts) > 1:
        # make_parts draws the reference at random: bytes 0-2 are the UDH header, 3 the reference.
        parts = [part[:3] + bytes([reference % 256]) + part[4:] for part in parts]
    return parts, coding, esm_class


def _client(timeout: float) -> smpplib.client.Client:
    client = smpplib.client.Client(
        settings.SMPP_HOST,
        settings.SMPP_PORT,
        timeout=timeout,
        allow_unknown_opt_params=True,
        logger_name="core.sms.smpp",
    )
    client.connect()
    return client


def _close(client: smpplib.client.Client) -> None:
    try:
        if client.state in (
            c.SMPP_CLIENT_STATE_BOUND_TX,
            c.SMPP_CLIENT_STATE_BOUND_RX,
            c.SMPP_CLIENT_STATE_BOUND_TRX,
        ):
            client.unbind()
    except (smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError, OSError):
        pass
    finally:
        client.disconnect()


def _source() -> dict:
    source = settings.SMPP_SOURCE_ADDR
    if source.lstrip("+").isdigit():
        return {
            "source_addr_ton": c.SMPP_TON_INTL,
            "source_addr_npi": c.SMPP_NPI_ISDN,
            "source_addr": source.lstrip("+"),
        }
    return {
        "source_addr_ton": c.SMPP_TON_ALNUM,
        "source_addr_npi": c.SMPP_NPI_UNK,
        "source_addr": source,
    }


def _submit(client, *, phone: str, part: bytes, coding: int, esm_class: int) -> str:
    """Submit one part and wait for its submit_sm_resp; returns the gateway's message id."""
    sent = client.send_message(
        **_source(),
        dest_addr_ton=c.SMPP_TON_INTL,
        dest_addr_npi=c.SMPP_NPI_ISDN,
        destination_addr=phone.lstrip("+"),
        short_message=part,
        data_coding=coding,
        esm_class=esm_class,
        registered_delivery=c.SMPP_SMSC_DELIVERY_RECEIPT_BOTH,
    )
    while True:
        pdu = client.read_pdu()
        if pdu.command == "enquire_link":
            client._enquire_link_received(pdu)  # the gateway checks on us while we wait
            continue
        if pdu.sequence != sent.sequence:
            continue
        if pdu.is_error():
            raise SmsFailed(f"the gateway refused the part: status {pdu.status:#x}")
        message_id = pdu.message_id
        return (
            message_id.decode("ascii", "replace") if isinstance(message_id, bytes) else message_id
        )


def send(*, notification: Notification, text: str) -> None:
    """Submit the parts of `text` not yet accepted for this row to the recipient's phone.

    Raises Undeliverable when the person has no valid phone, SmsFailed when the gateway is away
    or refuses a part (the parts accepted before stay recorded, in the caller's transaction).
    """
    phone = normalize_phone(notification.recipient.phone or "")
    if phone is None:
        raise Undeliverable("no valid mobile phone number")
    if not available():
        raise SmsFailed("no SMPP gateway is configured (SMPP_HOST)")
    parts, coding, esm_class = split(text, reference=notification.pk)
    done = set(notification.sms_parts.values_list("number", flat=True))
    missing = [(number, part) for number, part in enumerate(parts, 1) if number not in done]
    if not missing:
        return
    try:
        client = _client(settings.SMPP_TIMEOUT)
    except (smpplib.exceptions.ConnectionError, OSError) as error:
        raise SmsFailed(f"the SMPP gateway is not reachable: {error}") from error
    try:
        client.bind_transmitter(system_id=settings.SMPP_SYSTEM_ID, password=settings.SMPP_PASSWORD)
        for number, part in missing:
            message_id = _submit(client, phone=phone, part=part, coding=coding, esm_class=esm_class)
            SmsPart.objects.create(notification=notification, number=number, message_id=message_id)
    except (smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError, OSError) as error:
        raise SmsFailed(f"the SMPP gateway failed: {error}") from error
    finally:
        _close(client)


def _text(value) -> str:
    if isinstance(value, bytes):
        return value.decode("ascii", "replace").rstrip("\x00")
    return str(value or "")


def store_receipt(pdu) -> None:
    """A deliver_sm from the gateway: when it is a delivery receipt, record it on its part, and
    mark the notification delivered once every part is. Anything else is acknowledged and
    ignored (citizens' replies by SMS are not a channel of the platform)."""
    if (pdu.esm_class or 0) & RECEIPT_TYPE_MASK != SMSC_RECEIPT:
        return
    found = RECEIPT.search(pdu.short_message or b"")
    message_id = _text(getattr(pdu, "receipted_message_id", None)) or (
        _text(found["id"]) if found else ""
    )
    if not message_id:
        logger.warning("a receipt without a message id: %r", pdu.short_message)
        return
    status = _text(found["stat"]).upper() if found else ""
    error = _text(found["err"]) if found and found["err"] else ""
    now = timezone.now()
    with transaction.atomic():
        parts = list(SmsPart.objects.select_for_update().filter(message_id=message_id))
        if not parts:
            logger.warning("a receipt for an unknown message %s", message_id)
            return
        SmsPart.objects.filter(pk__in=[part.pk for part in parts]).update(
            receipt_status=status[:10], receipt_error=error[:10], receipt_at=now
        )
        for notification_id in {part.notification_id for part in parts}:
            undelivered = SmsPart.objects.filter(notification_id=notification_id).exclude(
                receipt_status=DELIVERED
            )
            if not undelivered.exists():
                Notification.objects.filter(pk=notification_id, delivered_at=None).update(
                    delivered_at=now
                )


def listen(
    *,
    stop: Callable[[], bool] = lambda: False,
    poll_seconds: float = LISTEN_POLL_SECONDS,
    reconnect_seconds: float = RECONNECT_SECONDS,
) -> None:
    """Bind to the gateway as a receiver and store the receipts it delivers, until `stop()`;
    reconnects after a failure. `poll_seconds` idle means an enquire_link to keep the link."""
    while not stop():
        client = None
        try:
            client = _client(poll_seconds)
            client.set_message_received_handler(lambda pdu, **_: store_receipt(pdu))
            client.bind_receiver(system_id=settings.SMPP_SYSTEM_ID, password=settings.SMPP_PASSWORD)
            logger.info("bound to the SMPP gateway %s:%s", settings.SMPP_HOST, settings.SMPP_PORT)
            while not stop():
                client.read_once()
        except (smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError, OSError) as error:
            logger.warning("SMPP receiver: %s; reconnecting", error)
            deadline = time.monotonic() + reconnect_seconds
            while not stop() and time.monotonic() < deadline:
                time.sleep(min(0.2, reconnect_seconds))
        finally:
            if client is not None:
                _close(client)
