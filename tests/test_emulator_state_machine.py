"""Hypothesis state machine over the emulator's HTTP API and robot: its invariants hold after every step."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from uipath_connector.testing import (
    DEMO,
    EmulatorRequest,
    ManualClock,
    OrchestratorEmulator,
    QueueItemConflictError,
    QueueItemStatus,
)

CLOUD = "https://cloud.uipath.com"
HEADERS = {
    "Authorization": f"Bearer {DEMO.personal_access_token}",
    "X-UIPATH-OrganizationUnitId": str(DEMO.folder_id),
}
FINAL = (QueueItemStatus.SUCCESSFUL, QueueItemStatus.FAILED)
OPEN = (QueueItemStatus.NEW, QueueItemStatus.IN_PROGRESS)


class EmulatorMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.emulator = OrchestratorEmulator.demo(clock=ManualClock())
        self.base = self.emulator.base_url(CLOUD)
        self.issued: list[int] = []
        self.final: dict[int, QueueItemStatus] = {}
        self.keys: dict[int, str] = {}

    def _post(self, path: str, body: object) -> tuple[int, bytes]:
        response = self.emulator.handle(EmulatorRequest("POST", self.base + path, HEADERS, json.dumps(body).encode()))
        return response.status, response.body

    @rule(
        unique=st.booleans(),
        reference=st.one_of(st.none(), st.sampled_from(["A", "B", "O'Brien"])),
    )
    def add(self, unique: bool, reference: str | None) -> None:
        queue = DEMO.unique_queue_name if unique else DEMO.queue_name
        taken = unique and reference is not None and reference in self._live_references()
        status, body = self._post(
            "/odata/Queues/UiPathODataSvc.AddQueueItem", {"itemData": {"Name": queue, "Reference": reference}}
        )
        if taken:
            assert status == 409
            assert json.loads(body)["errorCode"] == 1016
        else:
            assert status == 201
            item = json.loads(body)
            self.issued.append(item["Id"])
            self.keys[item["Id"]] = item["Key"]

    @precondition(lambda self: self.issued)
    @rule(
        data=st.data(),
        action=st.sampled_from(
            ["start", "complete", "fail_business", "fail_application", "abandon", "retry", "delete"]
        ),
    )
    def robot(self, data: st.DataObject, action: str) -> None:
        item_id = data.draw(st.sampled_from(self.issued))
        before = self.emulator.item(item_id)
        try:
            if action.startswith("fail_"):
                result = self.emulator.fail(item_id, "reason", kind=action.removeprefix("fail_"))
            else:
                result = getattr(self.emulator, action)(item_id)
        except QueueItemConflictError:
            assert before.status is not QueueItemStatus.NEW or action in ("abandon", "retry")
            return
        if result.id != item_id:
            # A retry: new, higher id, same key.
            assert result.id > max(self.issued)
            assert result.key == before.key
            assert result.status is QueueItemStatus.NEW
            self.issued.append(result.id)
            self.keys[result.id] = result.key

    @precondition(lambda self: self.issued)
    @rule(data=st.data())
    def settle_over_http(self, data: st.DataObject) -> None:
        item_id = data.draw(st.sampled_from(self.issued))
        before = self.emulator.item(item_id).status
        status, _ = self._post(
            f"/odata/Queues({item_id})/UiPathODataSvc.SetTransactionResult",
            {"transactionResult": {"IsSuccessful": True, "Output": {"Ok": True}}},
        )
        # Only a started transaction takes a result: a New item is refused like a final one.
        if before is QueueItemStatus.IN_PROGRESS:
            assert status == 200
        else:
            assert status == 409

    @rule(reference=st.sampled_from(["A", "B", "O'Brien"]), status=st.sampled_from(list(QueueItemStatus)))
    def list_over_odata(self, reference: str, status: QueueItemStatus) -> None:
        literal = reference.replace("'", "''")
        query = urlencode({"$filter": f"Reference eq '{literal}' and Status eq '{status.number}'", "$count": "true"})
        response = self.emulator.handle(EmulatorRequest("GET", f"{self.base}/odata/QueueItems?{query}", HEADERS))

        assert response.status == 200
        page = response.json()
        expected = [i.id for i in self.emulator.items() if i.reference == reference and i.status is status]
        assert [row["Id"] for row in page["value"]] == expected
        assert page["@odata.count"] == len(expected)

    @invariant()
    def ids_unique_and_increasing(self) -> None:
        ids = [item.id for item in self.emulator.items()]
        assert ids == sorted(set(ids))
        assert ids == sorted(self.issued)

    @invariant()
    def references_unique_where_enforced(self) -> None:
        live = self._live_references()
        assert len(live) == len(set(live))

    @invariant()
    def one_live_item_per_key(self) -> None:
        # A retry chain shares one Key; at most one of its items is still open (New or InProgress).
        open_keys = [i.key for i in self.emulator.items() if i.status in OPEN]
        assert len(open_keys) == len(set(open_keys))

    def _live_references(self) -> list[str]:
        # UiPath: API Response Codes: deleted and retried items (a manually retried Failed item keeps its status and is
        # marked by its review status) release their reference.
        return [
            i.reference
            for i in self.emulator.items()
            if i.queue_id == DEMO.unique_queue_id
            and i.reference
            and i.status not in (QueueItemStatus.DELETED, QueueItemStatus.RETRIED)
            and i.review_status != "Retried"
        ]

    @invariant()
    def final_statuses_never_change_and_keys_stay(self) -> None:
        for item in self.emulator.items():
            if item.id in self.final:
                assert item.status is self.final[item.id]
            elif item.status in FINAL:
                self.final[item.id] = item.status
            assert item.key == self.keys[item.id]
            if item.ancestor_id is not None:
                assert self.emulator.item(item.ancestor_id).key == item.key
                assert item.retry_number == self.emulator.item(item.ancestor_id).retry_number + 1


TestEmulatorStateMachine = EmulatorMachine.TestCase
TestEmulatorStateMachine.settings = settings(max_examples=80, stateful_step_count=25, deadline=None)
