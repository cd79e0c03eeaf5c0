"""Floors: the fewest sequential round trips the Admin API allows for an operation.

A floor is a lower bound for any client of the API, not a model of what fedctl does.
Two bounds hold for every schedule, so their maximum does too:

- the longest chain of requests that must wait for each other (a list's pages follow
  their cursors one by one; a membership read needs the ID it is addressed by; a rule
  create needs its issuer, its service account and, under the emulator's strict reading
  of admin-api.md §5.8, the membership in its first workspace);
- every request, spread over `parallelism` concurrent slots: ceil(requests / P).

Reading an organization (plan) needs the three WIF lists (100 per page, §4.1), the
workspace list (up to 1,000 per page, §2.8.1, one page here), the organization, and the
explicit memberships, read either per workspace (after the workspace list) or per
service account (after the list page that named it), whichever bound is lower. Rule
enablements need no reads: every rule carries its `workspace_ids` (§3.4). fedctl's
extra reads (archived resources in the same lists, the second workspace list that
tells the default workspace apart) are not in the floor.

Applying to an empty organization needs one round to see that it is empty, then four
dependent layers of writes: issuers and service accounts; memberships; rule creates
(each enabled in one workspace, §2.6.1); the further enablements (§2.7.2). The read-back
fedctl does afterwards to confirm convergence is its own safety choice and not in the floor.
"""

from __future__ import annotations

import math
from collections import Counter

from generate import OrgShape, workspace_names, workspaces_of

LIST_PAGE = 100  # WIF lists (admin-api.md §4.1)


def pages(count: int) -> int:
    """Sequential pages to list `count` items (an empty list still takes one request)."""
    return max(1, math.ceil(count / LIST_PAGE))


def members_per_workspace(shape: OrgShape) -> list[int]:
    """Explicit memberships in each workspace, the default workspace (none) included."""
    names = workspace_names(shape)
    counts = Counter(
        ws for index in range(shape.service_accounts) for ws in workspaces_of(index, names)
    )
    return [counts[name] for name in names] + [0]


def read_floor(shape: OrgShape, parallelism: int) -> int:
    """Round trips to read the whole organization (what any plan must do)."""
    account_pages = pages(shape.service_accounts)
    lists = [1, account_pages, pages(shape.rules), pages(shape.issuers), 1]
    list_chain, list_requests = max(lists), sum(lists)
    if shape.service_accounts == 0:
        return max(list_chain, math.ceil(list_requests / parallelism))
    per_workspace = [pages(count) for count in members_per_workspace(shape)]
    by_workspace = (1 + max(per_workspace), sum(per_workspace))
    # Account side: one page each (two rows, plus the implicit default row, fit in 100).
    by_account = (account_pages + 1, shape.service_accounts)
    return min(
        max(list_chain, chain, math.ceil((list_requests + requests) / parallelism))
        for chain, requests in (by_workspace, by_account)
    )


def apply_floor(shape: OrgShape, parallelism: int) -> int:
    """Round trips to create the whole organization from empty (read, then the writes)."""
    layers = [
        shape.issuers + shape.service_accounts,
        shape.memberships,
        shape.rules,
        shape.enablements - shape.rules,
    ]
    chain = sum(1 for layer in layers if layer)
    read_empty = 1  # every list is one page; no service account, so no membership reads
    return read_empty + max(chain, math.ceil(sum(layers) / parallelism))
