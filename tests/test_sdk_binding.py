"""Binding job variables to records: strict/lenient conversions, unions, sections, paths, every problem."""

from __future__ import annotations

import datetime
import enum
import re

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from uipath_connector.sdk import (
    ConnectorInputError,
    MapSecretProvider,
    OutboundConnectorContext,
    bind,
    discriminator,
    variable,
)

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class Priority(enum.Enum):
    LOW = "Low"
    NORMAL = "Normal"
    HIGH = "High"


@discriminator("type", "bearer")
@attrs.frozen(kw_only=True)
class Bearer:
    token: str = variable("token", secret=True, not_empty=True)


@discriminator("type", "oauth-client-credentials-flow")
@attrs.frozen(kw_only=True)
class OAuth:
    client_id: str = variable("clientId", not_empty=True)
    client_secret: str = variable("clientSecret", secret=True, not_empty=True)
    scopes: str = variable("scopes", default="OR.Queues")


@attrs.frozen(kw_only=True)
class Configuration:
    cloud_url: str = variable("cloudUrl", default="cloud.uipath.com", not_empty=True)
    cloud_org: str = variable("cloudOrg", not_empty=True)
    organization_unit_id: int = variable("organizationUnitId", minimum=1)
    timeout: int = variable("connectionTimeoutInSeconds", default=20, minimum=0)


@discriminator("operationType", "addQueueItem")
@attrs.frozen(kw_only=True)
class AddItem:
    authentication: Bearer | OAuth = variable("authentication")
    configuration: Configuration = variable("configuration", embedded=True)
    queue_name: str = variable("queueName", not_empty=True, max_length=50)
    priority: Priority = variable("priority", default=Priority.NORMAL)
    defer_date: str | None = variable(
        "deferDate", default=None, check=lambda v: None if _DATE.fullmatch(v) else f"{v!r} is not a yyyy-MM-dd date"
    )
    specific_content: dict[str, object] | None = variable("specificContent", default=None)
    tags: list[int] = variable("tags", factory=list)


@discriminator("operationType", "getItemById")
@attrs.frozen(kw_only=True)
class GetItem:
    authentication: Bearer | OAuth = variable("authentication")
    configuration: Configuration = variable("configuration", embedded=True)
    item_id: int = variable("itemId", minimum=1)


Request = AddItem | GetItem

VALID_ADD = {
    "operationType": "addQueueItem",
    "authentication": {"type": "bearer", "token": "t0k3n"},
    "cloudOrg": "acme",
    "organizationUnitId": "1964513",
    "queueName": "Invoices",
    "priority": "High",
    "deferDate": "2026-01-15",
    "specificContent": {"Name": "x", "Value": 2},
}


def _problems(data: object, target: object = Request) -> list[str]:
    with pytest.raises(ConnectorInputError) as caught:
        bind(data, target)
    return [str(problem) for problem in caught.value.problems]


def test_a_valid_request_binds_into_the_tagged_variant_with_sections_and_defaults() -> None:
    bound = bind(VALID_ADD, Request)
    assert bound == AddItem(
        authentication=Bearer(token="t0k3n"),
        configuration=Configuration(cloud_org="acme", organization_unit_id=1964513),
        queue_name="Invoices",
        priority=Priority.HIGH,
        defer_date="2026-01-15",
        specific_content={"Name": "x", "Value": 2},
    )
    assert bound.configuration.cloud_url == "cloud.uipath.com"
    assert bound.configuration.timeout == 20


def test_dotted_variable_names_nest_like_zeebe_input_targets() -> None:
    flat = {k: v for k, v in VALID_ADD.items() if k != "authentication"}
    flat |= {"authentication.type": "oauth-client-credentials-flow", "authentication.clientId": "id"}
    flat["authentication.clientSecret"] = "s3cr3t"
    bound = bind(flat, Request)
    assert bound.authentication == OAuth(client_id="id", client_secret="s3cr3t")


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"itemId": "42"}, 42),  # decimal text: Modeler fields produce text
        ({"itemId": 42.0}, 42),  # an integral float: lossless
        ({"itemId": " 42 "}, 42),
        ({"organizationUnitId": 1964513}, 1964513),
    ],
)
def test_lossless_conversions_are_accepted(variables: dict[str, object], expected: int) -> None:
    data = {**VALID_ADD, "operationType": "getItemById", "itemId": 1}
    del data["queueName"], data["priority"], data["deferDate"], data["specificContent"]
    data |= variables
    bound = bind(data, Request)
    assert expected in (bound.item_id, bound.configuration.organization_unit_id)


def test_a_number_is_accepted_where_a_text_id_is_expected() -> None:
    bound = bind({**VALID_ADD, "cloudOrg": 12345, "queueName": 7}, Request)
    assert (bound.configuration.cloud_org, bound.queue_name) == ("12345", "7")


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"itemId": 1.9}, "itemId: expected an integer, got 1.9"),
        ({"itemId": "1.9"}, "itemId: expected an integer, got '1.9'"),
        ({"itemId": True}, "itemId: expected an integer, got true"),
        ({"itemId": None}, "itemId: is required"),
        ({"itemId": 0}, "itemId: must be at least 1, got 0"),
        ({"itemId": [1]}, "itemId: expected an integer, got a list"),
        ({"cloudOrg": None}, "cloudOrg: is required"),
        ({"cloudOrg": True}, "cloudOrg: expected text, got true"),
        ({"cloudOrg": {"a": 1}}, "cloudOrg: expected text, got an object"),
        ({"cloudOrg": "  "}, "cloudOrg: must not be empty"),
        ({"connectionTimeoutInSeconds": "twenty"}, "connectionTimeoutInSeconds: expected an integer, got 'twenty'"),
    ],
)
def test_lossy_or_invented_conversions_are_refused_with_the_variable_path(
    change: dict[str, object], problem: str
) -> None:
    data = {
        "operationType": "getItemById",
        "authentication": {"type": "bearer", "token": "t"},
        "cloudOrg": "acme",
        "organizationUnitId": 1,
        "itemId": 5,
    } | change
    assert _problems(data) == [problem]


def test_every_failing_field_is_listed_once_in_one_error() -> None:
    data = {
        "operationType": "addQueueItem",
        "authentication": {"type": "oauth-client-credentials-flow", "clientid": "x"},
        "cloudOrg": "",
        "organizationUnitId": "abc",
        "queueName": "q" * 51,
        "priority": "Urgent",
        "deferDate": "15.01.2026",
        "tags": [1, "a", 2.5],
        "queuename": "typo",
    }
    with pytest.raises(ConnectorInputError) as caught:
        bind(data, Request)
    assert str(caught.value) == (
        "Invalid input (10 problems):\n"
        " - authentication.clientId: is required\n"
        " - authentication.clientSecret: is required\n"
        " - authentication.clientid: unknown field; did you mean 'clientId'?\n"
        " - cloudOrg: must not be empty\n"
        " - organizationUnitId: expected an integer, got 'abc'\n"
        " - queueName: must be at most 50 characters long, got 51\n"
        " - priority: 'Urgent' is not one of Low, Normal, High\n"
        " - deferDate: '15.01.2026' is not a yyyy-MM-dd date\n"
        " - tags[1]: expected an integer, got 'a'\n"
        " - tags[2]: expected an integer, got 2.5"
    )
    assert caught.value.paths[0] == "authentication.clientId"


def test_enums_match_any_letter_case_as_jackson_does() -> None:
    assert bind({**VALID_ADD, "priority": "low"}, Request).priority is Priority.LOW


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (
            {**VALID_ADD, "operationType": "deleteItem"},
            "operationType: 'deleteItem' is not one of addQueueItem, getItemById",
        ),
        (
            {k: v for k, v in VALID_ADD.items() if k != "operationType"},
            "operationType: is required: one of addQueueItem, getItemById",
        ),
        (
            {**VALID_ADD, "authentication": {"token": "x"}},
            "authentication.type: is required: one of bearer, oauth-client-credentials-flow",
        ),
        (
            {**VALID_ADD, "authentication": {"type": "basic"}},
            "authentication.type: 'basic' is not one of bearer, oauth-client-credentials-flow",
        ),
        ({**VALID_ADD, "authentication": "t0k3n"}, "authentication: expected an object, got text"),
    ],
)
def test_tagged_unions_name_the_allowed_tags(data: dict[str, object], problem: str) -> None:
    assert _problems(data) == [problem]


def test_unknown_top_level_variables_are_ignored_as_camunda_ignores_them() -> None:
    # A process carries variables the connector never reads (orderId, the sibling operation's itemId, ...).
    assert bind({**VALID_ADD, "itemId": 3, "orderId": "A-1", "itemid": 3}, Request).queue_name == "Invoices"


def test_a_missing_required_variable_names_a_close_unknown_one() -> None:
    data = {key: value for key, value in VALID_ADD.items() if key != "queueName"} | {"queueNmae": "Invoices"}
    assert _problems(data) == ["queueName: is required; a variable 'queueNmae' was given: did you mean 'queueName'?"]


def test_unknown_keys_inside_a_declared_section_stay_input_errors() -> None:
    data = {**VALID_ADD, "authentication": {"type": "bearer", "token": "t0k3n", "tokne": "x"}}
    assert _problems(data) == ["authentication.tokne: unknown field; did you mean 'token'?"]
    assert _problems({**VALID_ADD, "authentication.tokne": "x"}) == [
        "authentication.tokne: unknown field; did you mean 'token'?"
    ]


def test_a_secret_field_never_shows_its_value_in_errors_or_repr() -> None:
    bound = bind(VALID_ADD, Request)
    assert "t0k3n" not in repr(bound)
    assert _problems({**VALID_ADD, "authentication": {"type": "bearer", "token": ["t0k3n"]}}) == [
        "authentication.token: expected text, got a list"
    ]


def test_context_masks_secret_values_that_reach_an_error_message() -> None:
    context = OutboundConnectorContext(
        {**VALID_ADD, "queueName": "{{secrets.QUEUE}}", "priority": "{{secrets.QUEUE}}"},
        secret_provider=MapSecretProvider({"QUEUE": "Hidden-Queue"}),
    )
    with pytest.raises(ConnectorInputError) as caught:
        context.bind_variables(Request)
    # A value that came from a secret is not quoted at all, masked or not; the field is still named.
    assert str(caught.value) == (
        "Invalid input: priority: the value that came from a secret (not shown) is not one of Low, Normal, High"
    )
    assert "Hidden-Queue" not in repr(caught.value)


def test_a_long_secret_in_a_wrong_field_is_never_quoted_not_even_cut_short() -> None:
    long_secret = "SNTL-long-" + "x" * 80
    context = OutboundConnectorContext(
        {**VALID_ADD, "queueName": "{{secrets.LONG}}", "deferDate": "{{secrets.LONG}}"},
        secret_provider=MapSecretProvider({"LONG": long_secret}),
    )
    with pytest.raises(ConnectorInputError) as caught:
        context.bind_variables(Request)
    assert [(p.path, p.message) for p in caught.value.problems] == [
        ("queueName", "must be at most 50 characters long, got a value that came from a secret (not shown)"),
        ("deferDate", "the value that came from a secret (not shown) is not a yyyy-MM-dd date"),
    ]
    assert "SNTL" not in repr(caught.value)


def test_context_accepts_json_text_and_reports_invalid_json_as_input() -> None:
    assert OutboundConnectorContext('{"itemId": 1}').variables == {"itemId": 1}
    with pytest.raises(ConnectorInputError, match="not valid JSON"):
        _ = OutboundConnectorContext("{not json").variables
    with pytest.raises(ConnectorInputError, match="must be a JSON object, got list"):
        _ = OutboundConnectorContext("[1]").variables


# -- the property: any JSON-like variables bind or raise ConnectorInputError naming real paths ---------------

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=10,
)
_known_keys = st.sampled_from(
    [
        "operationType",
        "authentication",
        "authentication.type",
        "authentication.token",
        "authentication.clientId",
        "cloudOrg",
        "organizationUnitId",
        "queueName",
        "priority",
        "deferDate",
        "specificContent",
        "tags",
        "itemId",
    ]
)
_tags = st.sampled_from(["addQueueItem", "getItemById", "bearer", "oauth-client-credentials-flow", "other"])
_variables = st.dictionaries(_known_keys | st.text(max_size=8), _json | _tags, max_size=10)
_RECORD_PATHS = {
    "operationType",
    "authentication",
    "authentication.type",
    "authentication.token",
    "authentication.clientId",
    "authentication.clientSecret",
    "authentication.scopes",
    "cloudUrl",
    "cloudOrg",
    "organizationUnitId",
    "connectionTimeoutInSeconds",
    "queueName",
    "priority",
    "deferDate",
    "specificContent",
    "tags",
    "itemId",
}


def _paths_in(value: object, prefix: str = "") -> set[str]:
    paths = {prefix} if prefix else set()
    if isinstance(value, dict):
        for key, item in value.items():
            for part_path in _paths_in(item, f"{prefix}.{key}" if prefix else str(key)):
                paths.add(part_path)
            # dotted keys nest, so each dotted prefix is a real path too
            joined = f"{prefix}.{key}" if prefix else str(key)
            paths.update(".".join(joined.split(".")[: i + 1]) for i in range(joined.count(".") + 1))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            paths |= _paths_in(item, f"{prefix}[{index}]")
    return paths


@settings(max_examples=300, deadline=None)
@given(_variables)
def test_any_json_variables_either_bind_or_raise_an_input_error_naming_real_paths(variables: dict[str, object]) -> None:
    try:
        bound = bind(variables, Request)
    except ConnectorInputError as error:
        assert error.problems  # noqa: PT017 - the property needs both branches
        real = _paths_in(variables) | _RECORD_PATHS
        for path in error.paths:
            assert path in real, (path, variables)
    else:
        assert isinstance(bound, (AddItem, GetItem))


@attrs.frozen(kw_only=True)
class SecretNumber:
    pin: int = variable("pin", secret=True)
    code: Priority = variable("code", secret=True, default=Priority.LOW)


def test_a_secret_field_with_a_wrong_value_names_the_kind_not_the_value() -> None:
    assert _problems({"pin": "12x34", "code": "Sesame"}, SecretNumber) == [
        "pin: expected an integer, got text",
        "code: is not valid (not shown: secret)",
    ]


@attrs.frozen(kw_only=True)
class Checked:
    code: str = variable(
        "code", pattern=r"[A-Z]{3}", pattern_message="must be three letters", check=lambda v: "must be upper case"
    )
    plain: str = variable("plain", default="ABC", pattern=r"[A-Z]{3}", pattern_message="must be three letters")


def test_a_fields_own_check_explains_a_pattern_mismatch_more_precisely() -> None:
    assert _problems({"code": "abc", "plain": "ab"}, Checked) == [
        "code: must be upper case",
        "plain: must be three letters",
    ]


@attrs.frozen(kw_only=True)
class Dated:
    day: datetime.date = variable("day")
    moment: datetime.datetime | None = variable("moment", default=None)


def test_dates_and_date_times_bind_from_iso_text() -> None:
    bound = bind({"day": "2026-01-15", "moment": "2026-01-15T09:30:00.1234567+02:00"}, Dated)
    assert bound.day == datetime.date(2026, 1, 15)
    assert bound.moment == datetime.datetime(
        2026, 1, 15, 9, 30, 0, 123456, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
    )
    assert bind({"day": "2026-01-15", "moment": "2026-01-15t09:30Z"}, Dated).moment == datetime.datetime(
        2026, 1, 15, 9, 30, tzinfo=datetime.timezone.utc
    )


@pytest.mark.parametrize(
    ("variables", "problem"),
    [
        ({"day": "2026-02-30"}, "day: '2026-02-30' is not a real calendar date"),
        ({"day": "15.01.2026"}, "day: expected a date yyyy-MM-dd, got '15.01.2026'"),
        ({"day": 20260115}, "day: expected a date yyyy-MM-dd, got 20260115"),
        (
            {"day": "2026-01-15", "moment": "2026-01-15T09:30"},
            "moment: '2026-01-15T09:30' has no time zone offset; add Z or ±hh:mm",
        ),
        (
            {"day": "2026-01-15", "moment": "2026-13-15T09:30Z"},
            "moment: '2026-13-15T09:30Z' is not a real date and time",
        ),
        (
            {"day": "2026-01-15", "moment": "tomorrow"},
            "moment: expected an ISO-8601 date-time such as 2026-01-15T09:30:00Z, got 'tomorrow'",
        ),
    ],
)
def test_malformed_dates_are_refused_with_what_is_wrong(variables: dict[str, object], problem: str) -> None:
    assert _problems(variables, Dated) == [problem]


# -- dotted names that conflict with an object given the other way -----------------------------------------


@attrs.frozen(kw_only=True)
class Nested:
    token: str | None = variable("token", default=None)
    scopes: str | None = variable("scopes", default=None)


@attrs.frozen(kw_only=True)
class WithSection:
    auth: Nested | None = variable("auth", default=None)


@pytest.mark.parametrize(
    ("variables", "problem"),
    [
        ({"auth": 1, "auth.token": "t"}, "auth.token: conflicts with 'auth', which is a number"),
        ({"auth.token": "t", "auth": 1}, "auth: is given both as an object and as a single value"),
        ({"auth": {"token": "a"}, "auth.token": "b"}, "auth.token: is given twice with different values"),
        ({"auth.token.x": "a", "auth.token": "b"}, "auth.token: is given both as an object and as a single value"),
    ],
)
def test_a_dotted_name_that_conflicts_with_another_value_is_an_input_error(
    variables: dict[str, object], problem: str
) -> None:
    # Before: the later key silently won, so {"auth": 1, "auth.token": "t"} bound as if "auth" were never given.
    assert _problems(variables, WithSection) == [problem]


def test_a_dotted_name_and_an_object_that_agree_are_combined() -> None:
    combined = {"auth": {"scopes": "s"}, "auth.token": "t"}
    assert bind(combined, WithSection).auth == Nested(token="t", scopes="s")
    assert bind({"auth": {"token": "t"}, "auth.token": "t"}, WithSection).auth == Nested(token="t")
    assert bind({"auth": None, "auth.token": "t"}, WithSection).auth == Nested(token="t")
    assert bind({"auth.token": "t", "auth": None}, WithSection).auth == Nested(token="t")
    assert combined == {"auth": {"scopes": "s"}, "auth.token": "t"}  # the input is never changed


def test_names_with_an_empty_part_are_unknown_names_not_nested_ones() -> None:
    # Unknown top-level names are ignored, so these neither nest nor fail: the section stays as given.
    assert bind({"auth..token": "x", ".auth": 1, "auth.token": "t"}, WithSection).auth == Nested(token="t")


# -- leaves: numbers Python holds but JSON or the target cannot --------------------------------------------


@attrs.frozen(kw_only=True)
class Numbers:
    ratio: float | None = variable("ratio", default=None, minimum=0, maximum=1)
    count: int | None = variable("count", default=None)
    label: str | None = variable("label", default=None)
    counts: list[int] = variable("counts", factory=list)


@pytest.mark.parametrize(
    ("variables", "problem"),
    [
        ({"ratio": float("nan")}, "ratio: expected a finite number, got nan"),  # NaN passed min/max before
        ({"ratio": float("inf")}, "ratio: expected a finite number, got inf"),
        ({"ratio": "1e999"}, "ratio: expected a finite number, got '1e999'"),
        ({"ratio": 10**400}, "ratio: expected a finite number, got 1" + "0" * 56 + "..."),  # was OverflowError
        ({"count": "9" * 5000}, "count: expected an integer, got text with too many digits"),
        ({"label": 10**5000}, "label: expected text, got a number too large to show"),  # ValueError from str()
        ({"count": "\u0661\u0662"}, "count: expected an integer, got '١٢'"),  # Arabic-Indic digits
    ],
)
def test_numbers_beyond_json_or_the_target_are_input_errors(variables: dict[str, object], problem: str) -> None:
    assert _problems(variables, Numbers) == [problem]


def test_huge_integers_inside_lists_are_input_errors_or_kept_whole() -> None:
    assert _problems({"counts": ["9" * 5000]}, Numbers) == [
        "counts[0]: expected an integer, got text with too many digits"
    ]
    assert bind({"counts": [10**5000]}, Numbers).counts == [10**5000]  # an int is never cut


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (None, "expected an object, got null"),
        ([{"count": 1}], "expected an object, got a list"),
    ],
)
def test_data_that_is_no_json_object_is_an_input_error(data: object, problem: str) -> None:
    assert _problems(data, Numbers)[0] == problem


def test_keys_that_are_not_text_are_ignored_at_the_top_level() -> None:
    # Before: a non-text key crashed with TypeError while looking for dotted names.
    assert bind({1: "x", (2, 3): "y", "a.b": 1}, Numbers) == Numbers()


def test_context_reports_variables_nested_too_deeply_as_input() -> None:
    deep: dict[str, object] = {}
    level = deep
    for _ in range(100_000):  # deeper than any CPython's JSON encoder follows (3.13 follows 5,000)
        level["a"] = {}
        level = level["a"]  # type: ignore[assignment]
    for variables in ({"x": deep}, '{"x": ' + "[" * 100_000 + "]" * 100_000 + "}"):
        with pytest.raises(ConnectorInputError, match="nested too deeply"):
            _ = OutboundConnectorContext(variables).variables
    with pytest.raises(ConnectorInputError, match="cannot be written as JSON"):
        _ = OutboundConnectorContext({"count": 10**5000}).variables


_hostile_leaf = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=300, max_value=5000).map(lambda digits: -(10**digits))  # beyond float, beyond str()
    | st.sampled_from(["9" * 5000, "1e999", "\u0661", float("nan"), float("inf"), -0.0])
    | st.floats()
    | st.text(max_size=6)
)
_hostile = st.recursive(
    _hostile_leaf,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(_known_keys | st.text(max_size=6) | st.integers(), children, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(_hostile)
def test_any_python_value_binds_or_raises_only_an_input_error(data: object) -> None:
    for target in (Request, Numbers, WithSection):
        try:
            bind(data, target)
        except ConnectorInputError as error:
            assert all(isinstance(path, str) for path in error.paths)  # noqa: PT017
            assert str(error)  # noqa: PT017
