"""Properties of the access diff: no change is neutral, and narrowing never admits a new token."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fedctl.access import Effect
from fedctl.access.diff import compute_access_diff
from fedctl.core.state import RuleSpec
from tests.access.helpers import PROD, STAGING, desired_state, live_state, rule

# A small alphabet makes prefixes of one another likely.
SUBJECT_TEXT = st.text(alphabet="ab:/", max_size=5)
SUBJECT_PATTERN = st.one_of(
    st.none(),
    SUBJECT_TEXT,
    SUBJECT_TEXT.map(lambda text: text + "*"),
)
CLAIMS = st.one_of(
    st.none(),
    st.dictionaries(st.sampled_from(["owner", "ref"]), st.sampled_from(["x", "y"]), min_size=1),
)
RULES = st.builds(
    lambda subject, claims, scope, workspaces, everywhere, lifetime: rule(
        subject_prefix=subject,
        claims=claims,
        oauth_scope=scope,
        workspace_ids=frozenset(workspaces),
        applies_to_all_workspaces=everywhere,
        token_lifetime_seconds=lifetime,
    ),
    SUBJECT_PATTERN,
    CLAIMS,
    st.sampled_from(["workspace:inference", "workspace:developer"]),
    st.sets(st.sampled_from([PROD, STAGING])),
    st.booleans(),
    st.sampled_from([60, 600, 3600]),
)
TOKENS = st.tuples(
    st.text(alphabet="ab:/", max_size=6),
    st.dictionaries(st.sampled_from(["owner", "ref"]), st.sampled_from(["x", "y"])),
)


def matches(spec: RuleSpec, sub: str, claims: dict[str, str]) -> bool:
    """An independent reading of admin-api.md §3.5 for subject_prefix and claims."""
    prefix = spec.match.subject_prefix
    if prefix is not None:
        ok = sub.startswith(prefix[:-1]) if prefix.endswith("*") else sub == prefix
        if not ok:
            return False
    return all(claims.get(key) == value for key, value in (spec.match.claims or {}).items())


def classify(before: RuleSpec, after: RuleSpec) -> Effect:
    diff = compute_access_diff(desired_state(rules=[after]), live_state(rules=[before]))
    return diff.changes[0].effect if diff.changes else Effect.NEUTRAL


@settings(max_examples=150, deadline=None)
@given(RULES)
def test_a_rule_compared_with_itself_is_neutral(spec):
    assert classify(spec, spec) is Effect.NEUTRAL


@settings(max_examples=300, deadline=None)
@given(RULES, RULES, st.lists(TOKENS, max_size=20))
def test_narrowing_or_neutral_never_admits_a_token_the_old_rule_refused(before, after, tokens):
    effect = classify(before, after)
    if effect.broadens:
        return
    for sub, claims in tokens:
        if matches(after, sub, claims):
            assert matches(before, sub, claims), (effect, sub, claims)
