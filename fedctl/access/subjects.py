"""Subject patterns as sets of `sub` values, and what widening one admits.

A rule's `subject_prefix` is an exact, case-sensitive match on `sub`, unless it ends in
`*`: then it matches every `sub` starting with the characters before the `*`
(docs/admin-api.md §3.5). Unset matches every `sub`, and so does `*` (an empty prefix). Only
a trailing `*` is special; a `*` elsewhere is a literal character.

Usage:
    org_wide = SubjectPattern.parse("repo:acme/*")
    contains(org_wide, SubjectPattern.parse("repo:acme/app:pull_request"))  # True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fedctl.access.model import Effect, Finding


@dataclass(frozen=True)
class SubjectPattern:
    """`text` is the literal part; `is_prefix` says whether it matches by prefix."""

    text: str
    is_prefix: bool

    @classmethod
    def parse(cls, subject_prefix: str | None) -> SubjectPattern:
        if subject_prefix is None:
            return cls("", is_prefix=True)
        if subject_prefix.endswith("*"):
            return cls(subject_prefix[:-1], is_prefix=True)
        return cls(subject_prefix, is_prefix=False)

    @property
    def matches_everything(self) -> bool:
        return self.is_prefix and self.text == ""

    def matches(self, sub: str) -> bool:
        return sub.startswith(self.text) if self.is_prefix else sub == self.text


def contains(outer: SubjectPattern, inner: SubjectPattern) -> bool:
    """Whether every `sub` that `inner` matches is matched by `outer` (set inclusion)."""
    if not outer.is_prefix:
        # An exact pattern is one value; only the same exact value is inside it
        # (a prefix pattern always matches infinitely many values).
        return not inner.is_prefix and inner.text == outer.text
    return inner.text.startswith(outer.text)


def compare_subjects(before: str | None, after: str | None) -> Finding | None:
    """The finding for a subject_prefix change, or None when it did not change."""
    if before == after:
        return None
    old, new = SubjectPattern.parse(before), SubjectPattern.parse(after)
    widened, narrowed = contains(new, old), contains(old, new)
    shown_old, shown_new = before or "(unset)", after or "(unset)"
    if widened and narrowed:
        return Finding(
            dimension="subject_prefix",
            effect=Effect.NEUTRAL,
            reason=f"subject_prefix rewritten from {shown_old} to {shown_new}: same subjects",
        )
    if narrowed:
        return Finding(
            dimension="subject_prefix",
            effect=Effect.NARROWING,
            reason=f"subject_prefix narrowed from {shown_old} to {shown_new}",
        )
    if widened:
        if after is None:
            head = f"subject_prefix removed (was {before})"
        else:
            head = f"subject_prefix widened from {shown_old} to {shown_new}"
        return Finding(
            dimension="subject_prefix",
            effect=Effect.BROADENING,
            reason=f"{head}: {describe_admitted(old, new)}",
        )
    return Finding(
        dimension="subject_prefix",
        effect=Effect.MIXED,
        reason=(
            f"subject_prefix changed from {shown_old} to {shown_new}: "
            f"{describe_admitted(old, new)}; subjects matched before are no longer matched"
        ),
    )


# GitHub Actions subjects: repo:<owner>/<repository>:<context> (idp-facts.md §2.4).
_GITHUB_SUBJECT = re.compile(r"repo:(?P<owner>[^/]*)(?:/(?P<repo>[^:]*)(?::(?P<context>.*))?)?")


def describe_admitted(old: SubjectPattern, new: SubjectPattern) -> str:
    """The most serious kind of `sub` the new pattern admits that the old one did not.

    Witness subjects are tried from the most to the least serious (another tenant, another
    repository, fork pull requests, other refs); the first one the new pattern matches and
    the old one does not names the consequence.
    """
    for witness, consequence in _witnesses(new):
        if new.matches(witness) and not old.matches(witness):
            return consequence
    if new.matches_everything:
        return "every subject of the issuer matches"
    if new.is_prefix:
        return f"adds every subject starting with {new.text}"
    return f"adds the subject {new.text}"


def _witnesses(new: SubjectPattern) -> list[tuple[str, str]]:
    if not new.is_prefix:
        return []
    if new.text and "repo:".startswith(new.text):
        return [
            (
                "repo:someone-else/app:pull_request",
                "adds every repository on GitHub, forks included",
            )
        ]
    parsed = _GITHUB_SUBJECT.fullmatch(new.text)
    if parsed is None:
        return []
    owner, repo, context = parsed["owner"], parsed["repo"], parsed["context"]
    if repo is None:
        # NOTE: idp-facts.md §1.4: a tenant segment not closed by "/" admits other owners.
        return [
            (
                f"repo:{owner}-labs/app:pull_request",
                f"adds repositories of other owners whose name starts with {owner} "
                f"(e.g. repo:{owner}-labs/...)",
            )
        ]
    if context is None:
        if repo == "":
            return [
                (
                    f"repo:{owner}/another-repo:pull_request",
                    f"adds every repository of {owner} and every event, "
                    "pull_request runs from forks included",
                )
            ]
        return [
            (
                f"repo:{owner}/{repo}-other:pull_request",
                f"adds other repositories of {owner} whose name starts with {repo} "
                f"(e.g. {owner}/{repo}-other)",
            )
        ]
    where = f"{owner}/{repo}"
    return [
        (f"repo:{where}:pull_request", "adds pull_request runs, forks included"),
        (f"repo:{where}:environment:any-environment", f"adds every environment of {where}"),
        (f"repo:{where}:ref:refs/tags/any-tag", f"adds tags of {where}"),
        (f"repo:{where}:ref:refs/heads/any-branch", f"adds other branches of {where}"),
        (f"{new.text}any-other", f"adds every subject starting with {new.text}"),
    ]
