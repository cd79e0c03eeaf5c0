"""Credentials as httpx.Auth: a static bearer token, or a token minted by WIF exchange.

`FederationAuth` exchanges the workload's identity JWT at `POST /v1/oauth/token` once per
process and reuses the minted token (docs/admin-api.md §7.5):

- re-exchange only near expiry: advisory at expiry - 120 s (a failure keeps the current
  token and waits 5 s before trying again), mandatory at expiry - 30 s (a failure raises);
- on an API 401, drop the token and exchange once more, once per process;
- never retry an exchange with the same JWT: identity tokens with a `jti` are accepted
  once, so a resend could only fail and would burn nothing useful;
- reuse and refresh a credentials cache file so a second process does not exchange
  again: the profile's (as the SDK), or for env-var federation `fedctl.api.envcache`.

    auth = FederationAuth(TokenExchanger(base_url=url, settings=settings, http=http))
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Generator, Mapping
from typing import Any

import httpx

from fedctl import __version__
from fedctl.api.credentials import Credential, FederationSettings
from fedctl.api.envcache import env_token_cache
from fedctl.api.redact import read_error_body
from fedctl.api.secret import SecretStr
from fedctl.api.tokencache import CachedToken, CredentialsCache
from fedctl.core.errors import AuthError

EXCHANGE_PATH = "/v1/oauth/token"
# §1.3: the SDK calls this beta "required on any authenticated API request
# that uses a Bearer token obtained via OAuth/federation". A plain static token gets it
# too: it costs nothing where it is ignored, and an OAuth token given by hand needs it.
OAUTH_BETA = "oauth-2025-04-20"
GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"
MAX_ASSERTION_BYTES = 16 * 1024
ADVISORY_REFRESH_SECONDS = 120
MANDATORY_REFRESH_SECONDS = 30
ADVISORY_RETRY_SECONDS = 5


def add_oauth_beta(request: httpx.Request) -> None:
    """Merge `oauth-2025-04-20` into the request's `anthropic-beta` names, keeping the others."""
    names = [n.strip() for n in request.headers.get("anthropic-beta", "").split(",") if n.strip()]
    if OAUTH_BETA not in names:
        names.append(OAUTH_BETA)
    request.headers["anthropic-beta"] = ",".join(names)


class AdminApiKeyAuth(httpx.Auth):
    """`x-api-key: <Admin API key>`: only for the API-key endpoints (§9.3)."""

    def __init__(self, key: SecretStr) -> None:
        self._key = key

    def __repr__(self) -> str:
        return "AdminApiKeyAuth(key=**********)"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["x-api-key"] = self._key.get_secret_value()
        yield request


class StaticTokenAuth(httpx.Auth):
    """`Authorization: Bearer <token>` on every request."""

    def __init__(self, token: SecretStr) -> None:
        self._token = token

    def __repr__(self) -> str:
        return "StaticTokenAuth(token=**********)"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["authorization"] = f"Bearer {self._token.get_secret_value()}"
        add_oauth_beta(request)
        yield request


class TokenExchanger:
    """One `POST /v1/oauth/token` per call, with a freshly read identity token."""

    def __init__(
        self,
        *,
        base_url: str,
        settings: FederationSettings,
        http: httpx.Client,
        environ: Mapping[str, str],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.settings = settings
        self._http = http
        self._environ = environ
        self._clock = clock
        self.exchanges = 0

    def __repr__(self) -> str:
        return f"TokenExchanger(rule_id={self.settings.rule_id!r})"

    def exchange(self) -> CachedToken:
        assertion = self.settings.identity_token.read(self._environ)
        if len(assertion.encode()) > MAX_ASSERTION_BYTES:
            raise self._failure(f"the identity token is longer than {MAX_ASSERTION_BYTES} bytes")
        body: dict[str, str] = {
            "grant_type": GRANT_TYPE,
            "assertion": assertion,
            "federation_rule_id": self.settings.rule_id,
            "organization_id": self.settings.organization_id,
        }
        # §7.1: sent whenever known; without it the server uses the rule's target.
        if self.settings.service_account_id:
            body["service_account_id"] = self.settings.service_account_id
        if self.settings.workspace_id:
            body["workspace_id"] = self.settings.workspace_id
        self.exchanges += 1
        try:
            # No authorization header and no retry: the JWT may be single-use (§7.4, §7.5).
            # The timeout is the exchange client's own (bounded by --timeout).
            response = self._http.post(
                f"{self.base_url}{EXCHANGE_PATH}",
                json=body,
                headers={
                    "user-agent": f"fedctl/{__version__}",
                    "anthropic-beta": f"{OAUTH_BETA},oidc-federation-2026-04-01",
                },
            )
        except httpx.TransportError as exc:
            raise self._failure(
                f"could not reach {self.base_url}{EXCHANGE_PATH} ({type(exc).__name__})",
                hint="the identity token was not sent again, since it may be single-use",
            ) from None
        if response.status_code != 200:
            raise self._refused(response)
        return self._minted(response)

    def _minted(self, response: httpx.Response) -> CachedToken:
        try:
            data: Any = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise self._failure("the exchange answered 200 without a JSON object")
        token, expires_in = data.get("access_token"), data.get("expires_in")
        # §7.2: token_type, if present, is bearer in any case; a null one counts as absent.
        token_type = data.get("token_type") or "bearer"
        if not isinstance(token, str) or not token:
            raise self._failure("the exchange response has no access_token")
        try:
            lifetime = int(expires_in)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise self._failure("the exchange response has no integer expires_in") from None
        if not isinstance(token_type, str) or token_type.lower() != "bearer":
            raise self._failure("the exchange response's token_type is not Bearer")
        return CachedToken(access_token=SecretStr(token), expires_at=int(self._clock()) + lifetime)

    def _refused(self, response: httpx.Response) -> AuthError:
        error_type, message, body_request_id = read_error_body(response)
        used = self._used()
        if response.status_code == 401 or error_type == "invalid_grant":
            hint = (
                f"{used}; the server does not say which check failed (the Console's "
                "authentication history does). Usual causes: the identity token's claims do "
                "not match the rule (subject_prefix, claims, condition), its audience is not "
                "the rule's, it expired or lives longer than the issuer allows, it was already "
                "exchanged once (jti reuse: by another tool, or with FEDCTL_TOKEN_CACHE=off; "
                "fedctl itself caches the minted token per identity token), the rule or "
                "issuer is archived, or "
                "the rule spans several workspaces and ANTHROPIC_WORKSPACE_ID is unset"
            )
        else:
            hint = used
        return AuthError(
            message=f"token exchange refused: {message}",
            status=response.status_code,
            error_type=error_type,
            request_id=response.headers.get("request-id") or body_request_id,
            method="POST",
            url_path=EXCHANGE_PATH,
            hint=hint,
        )

    def _used(self) -> str:
        settings = self.settings
        workspace = f", workspace {settings.workspace_id}" if settings.workspace_id else ""
        return (
            f"used rule {settings.rule_id}, organization {settings.organization_id}, "
            f"service account {settings.service_account_id or '(the rule target)'}{workspace}, "
            "identity token from "
            f"{settings.identity_token.describe()}"
        )

    def _failure(self, message: str, *, hint: str | None = None) -> AuthError:
        return AuthError(
            message=f"token exchange failed: {message}",
            method="POST",
            url_path=EXCHANGE_PATH,
            hint=hint or self._used(),
        )


class FederationAuth(httpx.Auth):
    """Bearer token minted by `TokenExchanger`, cached in memory and optionally on disk."""

    def __init__(
        self,
        exchanger: TokenExchanger,
        *,
        cache: CredentialsCache | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._exchanger = exchanger
        self._cache = cache
        self._clock = clock
        self._lock = threading.Lock()
        self._token: CachedToken | None = None
        self._cache_checked = False
        self._next_advisory_try = 0.0
        self._reexchanged_on_401 = False

    def __repr__(self) -> str:
        return f"FederationAuth(exchanger={self._exchanger!r})"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self.current_token()
        request.headers["authorization"] = f"Bearer {token.get_secret_value()}"
        add_oauth_beta(request)
        response = yield request
        if response.status_code == 401:
            fresh = self._replace_after_401(token)
            if fresh is not None:
                request.headers["authorization"] = f"Bearer {fresh.get_secret_value()}"
                yield request

    def current_token(self) -> SecretStr:
        """The token to send now, exchanging only when none is usable (one at a time)."""
        with self._lock:
            now = self._clock()
            if self._token is None and not self._cache_checked:
                self._cache_checked = True
                self._token = self._cache.load() if self._cache else None
            token = self._token
            if token is not None and now < token.expires_at - ADVISORY_REFRESH_SECONDS:
                return token.access_token
            if token is not None and now < token.expires_at - MANDATORY_REFRESH_SECONDS:
                if now >= self._next_advisory_try:
                    try:
                        self._mint()
                    except AuthError:
                        self._next_advisory_try = now + ADVISORY_RETRY_SECONDS
                return (self._token or token).access_token
            return self._mint().access_token

    def _replace_after_401(self, refused: SecretStr) -> SecretStr | None:
        with self._lock:
            current = self._token
            if current is not None and current.access_token != refused:
                return current.access_token  # another thread already replaced it
            if self._reexchanged_on_401:
                return None
            self._reexchanged_on_401 = True
            return self._mint().access_token

    def _mint(self) -> CachedToken:
        token = self._exchanger.exchange()
        self._token = token
        if self._cache is not None:
            self._cache.store(token)
        return token


def build_auth(
    credential: Credential, *, base_url: str, http: httpx.Client, environ: Mapping[str, str]
) -> httpx.Auth:
    """The httpx.Auth for a resolved credential; `http` carries the exchange requests."""
    # §7.8: a profile's base_url wins for the exchange (and the refresh grant),
    # even where --base-url or ANTHROPIC_BASE_URL chose another host for the API calls.
    token_base_url = credential.base_url or base_url
    if credential.login is not None:
        return StaticTokenAuth(credential.login.current_token(http=http, base_url=token_base_url))
    if credential.federation is None:
        assert credential.token is not None
        return StaticTokenAuth(credential.token)
    exchanger = TokenExchanger(
        base_url=token_base_url, settings=credential.federation, http=http, environ=environ
    )
    # Profiles cache where the SDK does; env-var federation in the user's cache directory,
    # so a single-use identity token is exchanged once across processes (issue 30 item 4).
    cache = credential.cache or env_token_cache(
        credential.federation, base_url=token_base_url, environ=environ
    )
    return FederationAuth(exchanger, cache=cache)
