"""Patterns the settings section uses to pick live resources by address or ID."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

# A live resource by `kind/name` (globs allowed), a bare name glob (any kind) or a live ID
# (`svac_`, `fdis_`, `fdrl_`): the language of `settings.protect` and `settings.unmanaged`.
ResourcePattern = Annotated[
    str,
    Field(
        min_length=1,
        max_length=300,
        pattern=(
            r"^(((service_account|issuer|rule)/)?[a-z0-9*?\[\]-]+"
            r"|(svac|fdis|fdrl)_[A-Za-z0-9]+)$"
        ),
    ),
]

# `settings.unmanaged`: what another team manages. Such live resources are never archived
# by prune, and the plan lists them under "Not managed here".
UnmanagedPattern = ResourcePattern

# `settings.protect`: never archived or replaced; protection follows the resource through
# renames (fedctl.plan.protection), since an ID or a live name matches too.
ProtectPattern = ResourcePattern
