"""The response envelope against the two response examples of Camunda's UiPath connector docs, and header/body rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from uipath_connector.sdk import HttpResponse, flatten_headers, parse_body

DATA = Path(__file__).parent / "data"


def _seed(name: str) -> dict[str, object]:
    loaded = json.loads((DATA / name).read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


@pytest.mark.parametrize("name", ["seed_add_queue_item_response.json", "seed_get_queue_item_response.json"])
def test_the_envelope_built_from_the_wire_matches_the_seed_example(name: str) -> None:
    seed = _seed(name)
    headers = seed["headers"]
    assert isinstance(headers, dict)
    # What the wire carries: header lines (text) and body bytes.
    pairs = [(key, str(value)) for key, value in headers.items()]
    body_bytes = json.dumps(seed["body"]).encode()
    envelope = HttpResponse.from_parts(int(str(seed["status"])), None, pairs, body_bytes).to_dict()

    expected = dict(seed, reason=None)
    expected_headers = dict(headers)
    if "content-length" in expected_headers:
        # Camunda's docs print content-length as the number 878; header values are text on the wire and Camunda's
        # HeadersHelper keeps them as text (Camunda's HttpCommonResult), so the envelope says "878".
        assert expected_headers["content-length"] == 878
        expected_headers["content-length"] = "878"
    expected["headers"] = expected_headers
    assert envelope == expected
    assert list(envelope) == ["status", "headers", "body", "reason"]
    assert list(envelope["headers"]) == list(headers)  # type: ignore[call-overload]


def test_seed_result_expressions_find_their_values() -> None:
    add = HttpResponse.from_parts(201, "Created", [], json.dumps(_seed("seed_add_queue_item_response.json")["body"]))
    get = HttpResponse.from_parts(200, "OK", [], json.dumps(_seed("seed_get_queue_item_response.json")["body"]))
    assert add.body["Id"] == 436141352  # {itemId: response.body.Id}
    assert get.body["value"][0]["Status"] == "New"  # {itemStatus: response.body.value[1].Status}


def test_repeated_headers_become_lists_and_single_ones_stay_text() -> None:
    pairs = [("Set-Cookie", "a=1"), ("X-One", "1"), ("set-cookie", "b=2"), ("SET-COOKIE", "c=3"), ("X-Empty", "")]
    assert flatten_headers(pairs) == {"Set-Cookie": ["a=1", "b=2", "c=3"], "X-One": "1", "X-Empty": ""}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{"a": [1, 2]}', {"a": [1, 2]}),
        (b"[1, 2]", [1, 2]),
        (b"<html><body>Bad gateway</body></html>", "<html><body>Bad gateway</body></html>"),
        (b"Too Many Requests\r\n", "Too Many Requests\r\n"),
        (b"", None),
        (b" \r\n ", None),
        (None, None),
        ("\u00e9t\u00e9".encode(), "\u00e9t\u00e9"),
        (b"\xff\xfe broken utf-8", "\ufffd\ufffd broken utf-8"),
        (b'{"ratio": NaN}', '{"ratio": NaN}'),  # not JSON (Jackson refuses it); parsed, it could not be re-sent
        (b"-Infinity", "-Infinity"),
        (b"[" * 100_000 + b"]" * 100_000, "[" * 100_000 + "]" * 100_000),  # was a RecursionError
    ],
)
def test_bodies_are_parsed_as_json_kept_as_text_or_null_when_blank(content: bytes | None, expected: object) -> None:
    assert parse_body(content) == expected


def test_header_lookup_ignores_case_and_takes_the_first_of_several() -> None:
    envelope = HttpResponse.from_parts(200, "OK", [("Retry-After", "5"), ("retry-after", "7")], b"")
    assert envelope.header("RETRY-AFTER") == "5"
    assert envelope.header("missing") is None
    assert envelope.to_dict() == {"status": 200, "headers": {"Retry-After": ["5", "7"]}, "body": None, "reason": "OK"}
