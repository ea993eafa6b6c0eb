"""The shared mail header parser: addresses, dates, ids, and what a message becomes."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from tieline.records import InteractionRecord, ReadOptions, Skipped
from tieline.sources.mail import mailheaders
from tieline.sources.mail.mailheaders import parse_addresses, parse_date, parse_headers, to_interaction

BLOCK = (
    b"Received: from mail.example.org\n\tby mx.example.com; Mon, 1 Jan 2024 09:00:00 +0000\n"
    b"Date: Mon, 1 Jan 2024 10:00:00 +0100\n"
    b'From: "Hopper, Grace" <grace@example.org>\n'
    b"To: Ada Lovelace <ada@example.com>,\n =?UTF-8?B?QWxhbiBUw7xyaW5n?= <alan@example.net>\n"
    b"cc: Friends: edsger@example.nl, Barbara <barbara@example.edu>;, undisclosed-recipients:;\n"
    b"CC: (Ken Thompson) ken@example.com, not an address\n"
    b"Subject: =?iso-8859-1?q?caf=E9?= at ten\n"
    b"Message-ID: <m2@example.org>\n"
    b"In-Reply-To: <m1@example.com> (Ada's message)\n"
    b"References: <m0@example.com>\n <m1@example.com>\n"
    b'X-Gmail-Labels: Inbox,"Project, old",Important\n'
    b"X-GM-THRID: 1790000000000000001\n"
)


def test_addresses_keep_display_names_and_decode_encoded_words() -> None:
    headers = parse_headers(BLOCK)
    assert [(p.name, p.handles[0].value) for p in headers.from_] == [("Hopper, Grace", "grace@example.org")]
    assert [(p.name, p.handles[0].value) for p in headers.to] == [
        ("Ada Lovelace", "ada@example.com"),
        ("Alan Türing", "alan@example.net"),
    ]


def test_repeated_cc_headers_groups_and_comments_all_count_and_invalid_addresses_drop() -> None:
    headers = parse_headers(BLOCK)
    assert [(p.name, p.handles[0].value) for p in headers.cc] == [
        (None, "edsger@example.nl"),
        ("Barbara", "barbara@example.edu"),
        ("Ken Thompson", "ken@example.com"),
    ]


def test_dates_ids_subject_and_labels_are_decoded() -> None:
    headers = parse_headers(BLOCK)
    assert headers.date == datetime(2024, 1, 1, 9, 0, tzinfo=UTC)
    assert headers.message_id == "m2@example.org"
    assert headers.in_reply_to == "m1@example.com"
    assert headers.references == ("m0@example.com", "m1@example.com")
    assert headers.subject == "café at ten"
    assert headers.gmail_labels == ("Inbox", "Project, old", "Important")
    assert headers.gm_thrid == "1790000000000000001"


def test_dates_in_the_shapes_mail_clients_write() -> None:
    assert parse_date("Wed, 6 Mar 2002 16:49:39 -0800 (PST)") == datetime(2002, 3, 7, 0, 49, 39, tzinfo=UTC)
    assert parse_date("6 Mar 02 16:49 EST") == datetime(2002, 3, 6, 21, 49, tzinfo=UTC)
    assert parse_date("Thu, 16 Jun 2016 22:14:41 -0400") == datetime(2016, 6, 17, 2, 14, 41, tzinfo=UTC)
    assert parse_date("Tue, 7 Apr 2026 10:00:t <x@y>") == datetime(2026, 4, 7, 10, 0, tzinfo=UTC)
    assert parse_date("Mon, 32 Jan 2020 10:00:00 +0000") is None
    assert parse_date("yesterday") is None


def test_an_address_list_with_quotes_and_angle_brackets() -> None:
    assert parse_addresses('"Doe, John" <john@example.com>, jane@example.com (Jane Doe), <>, x') == [
        ("Doe, John", "john@example.com"),
        ("Jane Doe", "jane@example.com"),
    ]


def test_a_message_becomes_an_email_interaction_with_the_gmail_thread() -> None:
    record = to_interaction(parse_headers(BLOCK), BLOCK, ReadOptions(), "f", "1")
    assert isinstance(record, InteractionRecord)
    assert record.source_key == "mid:m2@example.org"
    assert record.channel == "email"
    assert record.sender is not None and record.sender.handles[0].value == "grace@example.org"
    assert len(record.participants) == 5
    assert record.group_size == 6
    assert record.thread == "gm:1790000000000000001"
    assert record.in_reply_to == "m1@example.com"
    assert record.subject == "café at ten"
    assert record.bulk is False


def test_no_content_keeps_no_subject_and_the_thread_falls_back_to_the_references_root() -> None:
    block = BLOCK.replace(b"X-GM-THRID: 1790000000000000001\n", b"")
    record = to_interaction(parse_headers(block), block, ReadOptions(content=False), "f", "1")
    assert isinstance(record, InteractionRecord)
    assert record.subject is None
    assert record.thread == "m0@example.com"


def test_bulk_signals_dilute_rather_than_drop() -> None:
    base = b"Date: Mon, 1 Jan 2024 10:00:00 +0000\nTo: ada@example.com\n"
    for extra in (
        b"From: x@example.com\nList-Id: <dev.lists.example.org>\n",
        b"From: x@example.com\nPrecedence: bulk\n",
        b"From: x@example.com\nAuto-Submitted: auto-replied\n",
        b"From: Shop <no-reply@shop.example>\n",
        b"From: list-bounces+ada=example.com@lists.example.org\n",
        b"From: x@example.com\nCc: " + b", ".join(b"p%d@example.com" % i for i in range(19)) + b"\n",
    ):
        record = to_interaction(parse_headers(base + extra), base + extra, ReadOptions(), "f", "1")
        assert isinstance(record, InteractionRecord) and record.bulk, extra
    plain = base + b"From: grace@example.org\nAuto-Submitted: no\n"
    record = to_interaction(parse_headers(plain), plain, ReadOptions(), "f", "1")
    assert isinstance(record, InteractionRecord) and not record.bulk


def test_drafts_spam_trash_undated_and_addressless_messages_are_skipped_with_a_reason() -> None:
    dated = b"Date: Mon, 1 Jan 2024 10:00:00 +0000\nFrom: a@example.com\nTo: b@example.com\n"
    cases = {
        dated + b"X-Gmail-Labels: Drafts\n": "Gmail label Drafts",
        dated + b"X-Gmail-Labels: Inbox,Spam\n": "Gmail label Spam",
        dated + b"X-Gmail-Labels: Papierkorb\n": "Gmail label Papierkorb",
        b"From: a@example.com\nTo: b@example.com\n": "no usable Date header",
        b"Date: Mon, 1 Jan 2024 10:00:00 +0000\nSubject: nobody\n": "no sender or recipient address",
    }
    for block, reason in cases.items():
        record = to_interaction(parse_headers(block), block, ReadOptions(), "f", "7")
        assert record == Skipped("f", "7", reason)


def test_a_message_without_message_id_gets_a_stable_hash_key() -> None:
    block = b"Date: Mon, 1 Jan 2024 10:00:00 +0000\nFrom: a@example.com\nTo: b@example.com\n"
    first = to_interaction(parse_headers(block), block, ReadOptions(), "f", "1")
    again = to_interaction(parse_headers(b"\n" + block), b"\n" + block, ReadOptions(), "other", "9")
    assert isinstance(first, InteractionRecord) and isinstance(again, InteractionRecord)
    assert first.source_key.startswith("mail:") and first.source_key == again.source_key


def test_noreply_senders_are_recognised() -> None:
    assert mailheaders.is_noreply("no-reply@shop.example")
    assert mailheaders.is_noreply("notifications@github.example")
    assert mailheaders.is_noreply("freebsd-hackers+owner@FreeBSD.org")
    assert not mailheaders.is_noreply("grace@example.org")
    assert not mailheaders.is_noreply("nora@example.org")


def test_imap_style_label_headers_and_encoded_localized_labels_are_read() -> None:
    dated = b"Date: Mon, 1 Jan 2024 10:00:00 +0000\nFrom: a@example.com\nTo: b@example.com\n"
    imap = dated + b"X-GM-LABELS: Inbox,Important\n"
    assert parse_headers(imap).gmail_labels == ("Inbox", "Important")
    getmail = dated + b"X-GMAIL-LABELS: Inbox\n"
    assert parse_headers(getmail).gmail_labels == ("Inbox",)
    encoded = dated + b"X-Gmail-Labels: =?UTF-8?Q?Entw=C3=BCrfe?=\n"
    record = to_interaction(parse_headers(encoded), encoded, ReadOptions(), "f", "2")
    assert record == Skipped("f", "2", "Gmail label Entwürfe")


def test_gmail_categories_auto_replies_and_bulk_senders_count_as_bulk() -> None:
    base = b"Date: Mon, 1 Jan 2024 10:00:00 +0000\nFrom: grace@example.org\nTo: ada@example.com\n"
    for extra in (
        b"X-Gmail-Labels: Inbox,Opened,Category Promotions\n",
        b"X-Gmail-Labels: Category Updates\n",
        b"X-Autoreply: yes\n",
        b"Precedence: auto_reply\n",
        b"Subject: Automatic reply: lunch\n",
        b"Subject: Out of Office: back on Monday\n",
        b"Subject: Abwesenheitsnotiz: Urlaub\n",
        b"Feedback-ID: 1.eu-west-1.abc:AmazonSES\n",
    ):
        block = base + extra
        record = to_interaction(parse_headers(block), block, ReadOptions(), "f", "1")
        assert isinstance(record, InteractionRecord) and record.bulk, extra
    personal = (
        base + b"X-Gmail-Labels: Inbox,Important,Opened,Category Personal\nSubject: Re: out of office plans\n"
    )
    record = to_interaction(parse_headers(personal), personal, ReadOptions(), "f", "1")
    assert isinstance(record, InteractionRecord) and not record.bulk


def test_a_message_without_a_date_header_takes_its_delivery_time_from_received() -> None:
    block = (
        b"Received: from mx.example.org by mail.example.com with ESMTP id 42;\r\n"
        b"\tTue, 2 Jan 2024 08:30:00 -0500\r\n"
        b"Received: from client by mx.example.org; Tue, 2 Jan 2024 08:29:00 -0500\r\n"
        b"From: a@example.com\r\nTo: b@example.com\r\n"
    )
    assert parse_headers(block).date == datetime(2024, 1, 2, 13, 30, tzinfo=UTC)
    assert mailheaders.received_date(b"Received: from x by y\n") is None


def test_encoded_words_in_mislabelled_and_unknown_charsets_still_decode() -> None:
    gbk = "=?gb2312?B?" + base64.b64encode("镕基".encode("gbk")).decode() + "?="
    assert mailheaders.decode_words(gbk) == "镕基"
    assert mailheaders.decode_words("=?ks_c_5601-1987?B?x9GxuQ==?=") == "한국"
    assert mailheaders.decode_words("=?iso-8859-8-i?Q?=F9=EC=E5=ED?=") == "שלום"
    assert mailheaders.decode_words("=?unknown-8bit?Q?Jos=C3=A9?=") == "José"
    assert mailheaders.decode_words("=?x-user-defined?Q?Jos=E9?=") == "José"
    assert mailheaders.decode_words("=?iso-8859-1?Q?=93quoted=94?=") == "\u201cquoted\u201d"
    assert mailheaders.decode_words("=?windows-1251?B?z/Do4uXy?=") == "Привет"
    assert mailheaders.decode_words("=?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?=") == "こんにちは"
    name = parse_headers(b"From: =?koi8-r?B?6dfBzg==?= <ivan@example.ru>\n").from_[0].name
    assert name == "Иван"


def test_a_thunderbird_message_flagged_expunged_is_skipped() -> None:
    block = b"X-Mozilla-Status: 0009\nDate: Mon, 1 Jan 2024 10:00:00 +0000\nFrom: a@example.com\nTo: b@example.com\n"
    assert to_interaction(parse_headers(block), block, ReadOptions(), "f", "3") == Skipped(
        "f", "3", "deleted (Thunderbird expunged flag)"
    )
    kept = block.replace(b"0009", b"0001")
    assert isinstance(to_interaction(parse_headers(kept), kept, ReadOptions(), "f", "3"), InteractionRecord)


def test_bcc_recipients_of_a_sent_message_are_participants() -> None:
    block = (
        b"Date: Mon, 1 Jan 2024 10:00:00 +0000\nFrom: ada@example.com\nTo: undisclosed-recipients:;\n"
        b"Bcc: Grace Hopper <grace@example.org>, alan@example.net\n"
    )
    record = to_interaction(parse_headers(block), block, ReadOptions(), "f", "1")
    assert isinstance(record, InteractionRecord)
    assert [p.handles[0].value for p in record.participants] == ["grace@example.org", "alan@example.net"]
    assert record.group_size == 3 and not record.bulk
