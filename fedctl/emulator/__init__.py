"""Local emulator of the WIF part of the Anthropic Admin API: a real HTTP server over SQLite.

It is a second, independent reading of docs/admin-api.md (the API as fedctl relies on it): it
imports nothing from fedctl's other packages, so fedctl and the emulator cannot agree on
the same mistake. Layout: `server.py` (start/stop, uvicorn in a thread) -> `app.py` and
`routes.py` (HTTP, auth, errors, faults; the types both share are in `calls.py`) ->
`store.py`, which composes one `db.py` Database (transactions, clock) with a store per
kind (`workspaces.py`, `accounts.py`, `memberships.py`, `issuers.py`, `rules.py` with
`enablements.py`, `tokens.py`), all holding it; `records.py` is the shared shape of a
resource kind (lookups, names, archive-unless-referenced, pages via `paging.py`);
`exchange.py` does the token exchange; `validation`, `tenancy` and `cel` hold the rules;
`seed.py` loads Console-made resources; `faults.py` draws injected faults.

Choices taken where the contract is open (numbers are §8 items unless marked §):

1. Admin API keys (`sk-ant-admin01-`, in `x-api-key` or as a bearer token) get
   403 permission_error on every service-account, issuer, rule and membership endpoint.
   On /v1/organizations/me and the workspace endpoints the emulator's own Admin API key
   is accepted (§1.2), any other is 401. Any other `x-api-key`, and any
   unknown bearer, is 401; every 401 names the header the credential came in.
2. A missing `anthropic-version` is accepted; a present one must look like a version date
   (`2023-06-01`, `2026-10-21`, ...), else 400. `?beta=true` is ignored. `anthropic-beta`
   is ignored except that a token minted by this emulator's exchange is 401
   authentication_error unless it lists `oauth-2025-04-20` (§1.3); the static
   admin token is accepted with or without it.
3. OAuth-caller limits (§5.9) are 403 permission_error: creating or sending
   organization_role "admin" with a federated token; creating, updating, archiving or
   changing the workspaces of a rule whose current or new scope is anything but
   workspace:developer / workspace:inference (every API caller; only `--seed`, acting as
   the Console, may); updating an issuer that backs a *live* rule with such a scope.
   Body validation (400) runs before this permission check, so `org:admin` on a
   developer target is 400, on an admin target 403.
4. Archived resources keep their names reserved: a duplicate of an archived name is 409.
5. Unknown path IDs are 404 not_found_error; unknown body references (issuer_id,
   target.service_account_id, workspace_id, service_account_id) are 400.
6. Archived references in bodies (issuer, service account, workspace) are 400.
7. Rule create with both workspace_id and applies_to_all_workspaces: accepted, both kept.
8. A created rule shows `workspace_ids = [workspace_id]` and legacy `workspace_id = null`.
9. `null` on update means "unchanged" for every field except description (cleared to "")
   and rule attributes (cleared to null).
10. `null` check_jti / max_jwt_lifetime_seconds on issuer create means the default.
11. A never-set description is `null`; after a `null` update it is `""`.
12. RuleMatch always carries all four keys, unset ones `null`; `claims: {}` reads `null`.
13. Explicit membership rows have `implicit: false`.
14. Every successful update bumps updated_at/updated_by (a no-op update too); a repeated
    archive changes nothing and returns the original archived_at. Archive does not touch
    updated_at.
15. Every opaque-cursor list is newest first by created_at (strictly increasing in the
    emulator) with the ID as tie-breaker; membership lists are newest membership first.
16. Cursors are opaque (`page_` + base64 of the listing and the last item served). A cursor
    from another listing (other query, other parent) or whose item has left the listing
    (archived, removed) is 400; so is a malformed one.
17. `limit` outside 1-100 (workspaces: 1-1000) or not an integer is 400, never clamped.
18. oauth_scope: space-separated tokens from {workspace:developer, workspace:inference,
    workspace:manage_tunnels, org:admin}; unknown or repeated tokens are 400.
19. Shared issuers and pinning claims are in `tenancy.py` (GitHub Actions, GitLab,
    Buildkite, Terraform Cloud, Google, keyed by exact issuer_url). A condition pins when
    it reads one of the pinning claims (text heuristic, `claims.X` or `claims["X"]`).
    A subject_prefix pins when its tenant segment is closed before any `*`. The Console
    (the `--seed` loader) is not held to it, so rules predating the check can be seeded;
    any API update of such a rule must then send a pinning `match`.
20. CEL: parsed with cel-python; refused when blank, unparsable, not naming `claims`, or
    evaluating to true with `claims` unbound (constant true). No type checking. URLs:
    https, port 443, no IP literal, no `localhost`, no single-label host, no .local /
    .internal / .localhost / .localdomain / .lan / .home.arpa suffix, no userinfo; DNS is
    never resolved (the real service does resolve).
21. `match.subject_prefix: ""` is treated as unset (and reads back `null`).
22. Removing a rule's last explicit enablement (no applies_to_all_workspaces, no legacy
    workspace_id) is 400 (§2.7.3, strict reading). A repeated DELETE of what
    is not enabled stays idempotent.
23. Archiving a rule leaves applies_to_all_workspaces unchanged.
24. Updating an implicit or missing membership is 404; adding or updating one for an
    archived service account is 400. DELETE for an archived service account is allowed.
25. Enabling a rule in an unknown or archived workspace is 400; an unknown rule is 404.
26. A duplicate-name 409 carries `x-should-retry: false` (the real server's behaviour is
    unknown).
27. No rate limits unless injected (faults).
28. Token exchange audience: when a rule sets no `match.audience`, `aud` must contain
    `https://api.anthropic.com`.
29. Exchange without service_account_id uses the rule's target (§7.1); an
    empty one is 400; one that is not the rule's target is the opaque 401.
30. Path workspace IDs must be real `wrkspc_` IDs; `default` in a path is 404.

Checked against the official SDK, by section of docs/admin-api.md:
- §1.3: a token this emulator minted (federation or login) is 401 authentication_error
  unless `anthropic-beta` lists `oauth-2025-04-20`; the static admin token needs nothing.
- §5.8: membership is NOT checked at rule create, update (retarget included) or
  workspace enable; the exchange still refuses a workspace the target is not a member
  of (the default workspace is implicit; legacy `workspace_id`-only rules skip it).
- §2.7.3: see item 22.
- §7.1: see item 29.
- §7.3: without workspace_id, the only enabled workspace, else the default
  workspace when the rule covers it (explicitly or through applies_to_all_workspaces),
  else 401 (`workspace_id_required`, or `no_workspace_enabled`).
- §7.8: the `refresh_token` grant of interactive logins (`logins.py`: rotating refresh
  tokens bound to their client_id; failures are 400 invalid_grant). The emulator has no
  browser login: `RunningEmulator.logins.issue` stands in for it.

- §9: the API-key endpoints, from a fixture (`--api-keys FILE`); the choices are
  in `api_keys.py` (oldest-first ID cursor; archived keys refuse every change, expired
  ones refuse activation; the Admin API key accepted, bearers refusable; configured
  limits answer `org_api_key_limit_exceeded` / `workspace_api_key_limit_exceeded`).
- §4.1: `--empty-pages` serves an empty page with a cursor before every
  page of the opaque-cursor lists (`empty_pages.py`).

Also:
- Token exchange: inline JWKS only; an issuer in discovery or explicit_url mode is
  refused with 401 whose message says the emulator does not fetch keys. A jti is recorded
  only when an exchange succeeds. Unknown exchange body fields are ignored. Denial
  reasons are kept in `RunningEmulator.exchange_history`.
- Minted tokens: `sk-ant-oat01-` + random; only a hash is stored. An org:admin token acts
  as its service account (actor `svac_...`) while that account is a live admin; otherwise,
  and for workspace-scoped tokens, admin endpoints answer 403.
- Faults apply to every /v1 request, token exchange included, drawn in arrival order
  from the seed (see `faults.py`). 429 carries `retry-after: 1`. The `409` fault is a
  concurrent-modification conflict on a write (§6.2), refused unprocessed and without
  `x-should-retry`, so clients cannot tell it from a duplicate name by the header.
  `stale-read` serves the version before the latest write (or 404 / absence for a fresh
  create) of service accounts, issuers and rules (gets and lists) while that write is
  younger than the read lag; memberships, enablements and workspaces are always fresh.
- Workspaces are read-only through the API; `--workspace` and the seed create them.
  Workspace lists are oldest first.
"""
