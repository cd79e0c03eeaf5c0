"""The requests of one live read, started at once: what `fedctl.live.read.read_live` waits on.

Its own module, light to import (the HTTP client and the list calls, no pydantic model),
so a command can send its first requests before the response and state models, the
configuration or the planner are imported: `fedctl plan` starts them this way
(fedctl.cli.read_ahead), and the pipeline takes them over (`take_started`).

    reads = LiveReads(client)            # six requests leave now
    live = read_live(client, started=reads)
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from typing import TYPE_CHECKING, Any

from fedctl.api import resources
from fedctl.api.client import AdminClient

if TYPE_CHECKING:
    from fedctl.api import wire
    from fedctl.core.state import LiveState

Members = list["wire.ServiceAccountWorkspaceMember"]

# client -> the whole live read started on it ahead of the pipeline (read_ahead).
_STARTED: weakref.WeakKeyDictionary[AdminClient, Future[LiveState]] = weakref.WeakKeyDictionary()
_STARTED_LOCK = threading.Lock()


def start_read(
    client: AdminClient, finish: Callable[[AdminClient, LiveReads], LiveState]
) -> Future[LiveState]:
    """Start the live read on `client` in the background; the pipeline takes it over.

    The requests leave at once; `finish` (fedctl.live.read.read_live with `started=`, which
    imports the models) waits for them and normalises, and its result or error is the
    read's.
    """
    result: Future[LiveState] = Future()
    result.set_running_or_notify_cancel()

    def read() -> None:
        try:
            result.set_result(finish(client, LiveReads(client)))
        except BaseException as exc:  # handed to whoever takes the read
            result.set_exception(exc)

    threading.Thread(target=read, name="fedctl-read-ahead", daemon=True).start()
    with _STARTED_LOCK:
        _STARTED[client] = result
    return result


def take_started(client: AdminClient) -> Future[LiveState] | None:
    """The read `start_read` began on `client`, once; None when there is none."""
    with _STARTED_LOCK:
        return _STARTED.pop(client, None)


class LiveReads:
    """The requests of one `read_live`, all started at once; memberships join when they can."""

    def __init__(self, client: AdminClient) -> None:
        self.client = client
        # (active accounts on the first page, whether more pages follow)
        self.first_accounts: Future[tuple[int, bool]] = Future()
        self.organization = client.submit(lambda: resources.get_organization(client))
        self.accounts = client.submit(
            lambda: resources.list_service_accounts(
                client, include_archived=True, on_first_page=self._first_account_page
            )
        )
        self.issuers = client.submit(lambda: resources.list_issuers(client, include_archived=True))
        self.rules = client.submit(lambda: resources.list_rules(client, include_archived=True))
        self.all_workspaces = client.submit(
            lambda: resources.list_workspaces(client, include_default=True, include_archived=True)
        )
        self.non_default = client.submit(
            lambda: resources.list_workspaces(client, include_default=False, include_archived=True)
        )
        self.member_pages: list[Future[Members]] = []

    def _first_account_page(self, items: list[Any], more: bool) -> None:
        active = sum(
            1 for item in items if isinstance(item, dict) and item.get("archived_at") is None
        )
        self.first_accounts.set_result((active, more))

    def _lists(self) -> list[Future[Any]]:
        return [
            self.organization,
            self.accounts,
            self.issuers,
            self.rules,
            self.all_workspaces,
            self.non_default,
        ]

    def results(self) -> tuple[list[Any], Members]:
        """The six lists' results, then every membership row; errors in that order."""
        try:
            self._start_memberships()
        except BaseException:
            _in_order(self._lists())  # raises the first failed list, as reading in order would
            raise
        lists = _in_order(self._lists())
        return lists, [row for page in _in_order(self.member_pages) for row in page]

    def cancel_pending(self) -> None:
        for future in [*self._lists(), *self.member_pages]:
            future.cancel()

    def _start_memberships(self) -> None:
        """Choose the side with fewer lists (workspaces on a tie) and submit its reads."""
        pending: list[Future[Any]] = [self.first_accounts, self.accounts]
        wait(pending, return_when=FIRST_COMPLETED)
        if not self.first_accounts.done():
            return  # the account list failed before its first page; results() raises it
        workspace_ids = [w.id for w in self.all_workspaces.result() if w.archived_at is None]
        active_on_first_page, more_pages = self.first_accounts.result()
        accounts: list[wire.ServiceAccount] = []
        if not more_pages or len(workspace_ids) > active_on_first_page:
            # Not settled by the first page: count the whole list, as the choice needs.
            accounts = [a for a in self.accounts.result() if a.archived_at is None]
            by_workspace = len(workspace_ids) <= len(accounts)
        else:
            by_workspace = True  # the whole list can only have more active accounts
        if by_workspace:
            self.member_pages = [self._submit_workspace_side(w) for w in workspace_ids]
        else:
            self.member_pages = [self._submit_account_side(a.id) for a in accounts]

    def _submit_workspace_side(self, workspace_id: str) -> Future[Members]:
        client = self.client
        return client.submit(lambda: resources.list_workspace_members(client, workspace_id))

    def _submit_account_side(self, service_account_id: str) -> Future[Members]:
        client = self.client
        return client.submit(
            lambda: resources.list_service_account_workspaces(client, service_account_id)
        )


def _in_order(futures: list[Future[Any]]) -> list[Any]:
    return [future.result() for future in futures]
