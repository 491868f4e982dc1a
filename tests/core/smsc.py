"""A minimal SMPP 3.4 SMSC on loopback for the tests, written from the specification with `struct`
(not with smpplib, so that what the platform sends is checked by another reading of the protocol).

It answers binds (transmitter, receiver, transceiver) when the system id and password match,
accepts submit_sm with a message id of its own, answers enquire_link and unbind, and sends a
delivery receipt (deliver_sm, esm_class 0x04) for every part that asked for one to a session bound
as a receiver or transceiver. Everything submitted is kept, so a test counts what reached it.
"""

import socket
import socketserver
import struct
import threading
from dataclasses import dataclass

from tests.harness import free_port

BIND_RECEIVER, BIND_TRANSMITTER, BIND_TRANSCEIVER = 0x01, 0x02, 0x09
SUBMIT_SM, DELIVER_SM, UNBIND, ENQUIRE_LINK = 0x04, 0x05, 0x06, 0x15
GENERIC_NACK = 0x80000000
RESP = 0x80000000
ESME_RINVPASWD = 0x0E
RECEIPTED_MESSAGE_ID, MESSAGE_STATE = 0x001E, 0x0427


def cstring(data: bytes, pos: int) -> tuple[bytes, int]:
    end = data.index(b"\0", pos)
    return data[pos:end], end + 1


@dataclass
class Submitted:
    """One submit_sm as the SMSC read it."""

    message_id: str
    source_addr_ton: int
    source_addr: str
    dest_addr_ton: int
    destination_addr: str
    esm_class: int
    registered_delivery: int
    data_coding: int
    short_message: bytes

    @property
    def udh(self) -> bytes:
        """The user data header of a concatenated part (esm_class UDHI), else b""."""
        return self.short_message[: self.short_message[0] + 1] if self.esm_class & 0x40 else b""

    @property
    def text(self) -> str:
        assert self.data_coding == 8, self.data_coding  # UCS-2
        return self.short_message[len(self.udh) :].decode("utf-16-be")


def parse_submit(body: bytes, message_id: str) -> Submitted:
    pos = 0
    _service_type, pos = cstring(body, pos)
    source_ton, _source_npi = body[pos], body[pos + 1]
    source, pos = cstring(body, pos + 2)
    dest_ton, _dest_npi = body[pos], body[pos + 1]
    dest, pos = cstring(body, pos + 2)
    esm_class, _protocol_id, _priority = body[pos], body[pos + 1], body[pos + 2]
    _schedule, pos = cstring(body, pos + 3)
    _validity, pos = cstring(body, pos)
    registered, _replace, coding, _default_id, length = body[pos : pos + 5]
    pos += 5
    return Submitted(
        message_id=message_id,
        source_addr_ton=source_ton,
        source_addr=source.decode(),
        dest_addr_ton=dest_ton,
        destination_addr=dest.decode(),
        esm_class=esm_class,
        registered_delivery=registered,
        data_coding=coding,
        short_message=body[pos : pos + length],
    )


def pdu(command_id: int, sequence: int, body: bytes = b"", status: int = 0) -> bytes:
    return struct.pack(">IIII", 16 + len(body), command_id, status, sequence) + body


def receipt_body(part: Submitted) -> bytes:
    text = (
        f"id:{part.message_id} sub:001 dlvrd:001 submit date:2612031200 done date:2612031201 "
        "stat:DELIVRD err:000 text:"
    ).encode()
    mandatory = (
        b"\0"  # service_type
        + bytes([1, 1])
        + part.destination_addr.encode()
        + b"\0"
        + bytes([part.source_addr_ton, 0])
        + part.source_addr.encode()
        + b"\0"
        + bytes([0x04, 0, 0])  # esm_class: SMSC delivery receipt; protocol_id; priority
        + b"\0\0"  # schedule_delivery_time, validity_period
        + bytes([0, 0, 0, 0, len(text)])
        + text
    )
    receipted = part.message_id.encode() + b"\0"
    tlvs = struct.pack(">HH", RECEIPTED_MESSAGE_ID, len(receipted)) + receipted
    tlvs += struct.pack(">HHB", MESSAGE_STATE, 1, 2)  # DELIVERED
    return mandatory + tlvs


class Smsc:
    """The SMSC in threads; `port` may be given (a gateway that was down comes up on it).
    `drop_after`: the connection is cut once, instead of answering the submit_sm that would be
    accepted after that many parts (a gateway failing half-way through a long message)."""

    def __init__(self, *, port: int | None = None, system_id="pos", password="secret"):  # noqa: S107
        self.port = port or free_port()
        self.system_id, self.password = system_id, password
        self.submitted: list[Submitted] = []
        self.receipts_acknowledged: list[str] = []
        self.drop_after: int | None = None
        self._pending_receipts: list[Submitted] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        smsc = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                smsc._session(self.request)

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # --- the protocol --------------------------------------------------------------------

    def _read(self, conn: socket.socket) -> tuple[int, int, bytes] | None:
        header = b""
        while len(header) < 16:
            try:
                chunk = conn.recv(16 - len(header))
            except TimeoutError:
                if not header:
                    return (0, 0, b"")  # nothing arrived: the caller may send receipts
                continue
            if not chunk:
                return None
            header += chunk
        length, command_id, _status, sequence = struct.unpack(">IIII", header)
        body = b""
        conn.settimeout(5)
        while len(body) < length - 16:
            chunk = conn.recv(length - 16 - len(body))
            if not chunk:
                return None
            body += chunk
        conn.settimeout(0.05)
        return command_id, sequence, body

    def _session(self, conn: socket.socket) -> None:
        conn.settimeout(0.05)
        bound = None
        sequence_out = 0
        while not self._stopping.is_set():
            if bound in (BIND_RECEIVER, BIND_TRANSCEIVER):
                with self._lock:
                    receipts, self._pending_receipts = self._pending_receipts, []
                for part in receipts:
                    sequence_out += 1
                    conn.sendall(pdu(DELIVER_SM, sequence_out, receipt_body(part)))
            read = self._read(conn)
            if read is None:
                return
            command_id, sequence, body = read
            if command_id == 0:
                continue
            if command_id in (BIND_RECEIVER, BIND_TRANSMITTER, BIND_TRANSCEIVER):
                system_id, pos = cstring(body, 0)
                password, _ = cstring(body, pos)
                if (system_id.decode(), password.decode()) != (self.system_id, self.password):
                    conn.sendall(pdu(RESP | command_id, sequence, b"SMSC\0", ESME_RINVPASWD))
                    continue
                bound = command_id
                conn.sendall(pdu(RESP | command_id, sequence, b"SMSC\0"))
            elif command_id == SUBMIT_SM and bound in (BIND_TRANSMITTER, BIND_TRANSCEIVER):
                with self._lock:
                    if self.drop_after is not None and len(self.submitted) >= self.drop_after:
                        self.drop_after = None
                        conn.close()
                        return
                    part = parse_submit(body, f"{len(self.submitted) + 1:08X}")
                    self.submitted.append(part)
                    if part.registered_delivery & 0x03:
                        self._pending_receipts.append(part)
                conn.sendall(pdu(RESP | SUBMIT_SM, sequence, part.message_id.encode() + b"\0"))
            elif command_id == RESP | DELIVER_SM:
                with self._lock:
                    self.receipts_acknowledged.append(str(sequence))
            elif command_id == ENQUIRE_LINK:
                conn.sendall(pdu(RESP | ENQUIRE_LINK, sequence))
            elif command_id == RESP | ENQUIRE_LINK:
                pass
            elif command_id == UNBIND:
                conn.sendall(pdu(RESP | UNBIND, sequence))
                return
            else:
                conn.sendall(pdu(GENERIC_NACK, sequence, status=0x03))  # invalid command id

    # --- for the tests -------------------------------------------------------------------

    def texts(self) -> list[str]:
        """The messages as a phone shows them: concatenated parts joined in order."""
        with self._lock:
            parts = list(self.submitted)
        messages: dict[tuple, list] = {}
        for part in parts:
            udh = part.udh
            key = (part.destination_addr, udh[3]) if udh else (part.destination_addr, id(part))
            messages.setdefault(key, []).append(part)
        return [
            "".join(p.text for p in sorted(group, key=lambda p: p.udh[5] if p.udh else 0))
            for group in messages.values()
        ]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self._stopping.set()
        self.server.shutdown()
        self.server.server_close()
