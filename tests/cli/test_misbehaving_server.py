"""API commands against a server misbehaving at the protocol level: one clean line each.

The emulator speaks the contract; these answers (HTML error pages from a proxy, bodies
that are not JSON, JSON of the wrong shape, a server that never answers) are what it
cannot serve, so a throwaway http.server on loopback produces them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner, Result

from fedctl.cli.main import cli

TOKEN = "sk-ant-oat01-misbehaving-server-secret"
Answer = tuple[int, dict[str, str], bytes]


class QuietServer(ThreadingHTTPServer):
    """A handler still busy after its client gave up (the hang case) fails to write; that
    is expected, and its traceback must not land in another test's captured stderr."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass


@pytest.fixture
def serve() -> Iterator[Callable[[Callable[[], Answer]], str]]:
    """Start a loopback server answering every request with `answer()`; yields its URL."""
    servers: list[QuietServer] = []

    def start(answer: Callable[[], Answer]) -> str:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, headers, body = answer()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET

            def log_message(self, format: str, *args: object) -> None:
                pass

        server = QuietServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def whoami(url: str, *extra: str) -> Result:
    return CliRunner().invoke(
        cli, ["whoami", "--base-url", url, "--auth-token", TOKEN, "--timeout", "1", *extra]
    )


def assert_one_error_line(result: Result) -> str:
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert TOKEN not in result.stderr
    return result.stderr


def test_html_502_from_a_proxy_is_retried_then_reported_with_its_request_id(
    serve: Callable[[Callable[[], Answer]], str],
) -> None:
    page = b"<html><body><h1>502 Bad Gateway</h1>\n<hr>nginx</body></html>\n"
    url = serve(lambda: (502, {"content-type": "text/html", "request-id": "req_proxy1"}, page))
    assert assert_one_error_line(whoami(url)) == (
        "error: GET /v1/organizations/me failed 502: Bad Gateway (request-id req_proxy1)\n"
    )


def test_a_success_that_is_not_json_is_one_line(
    serve: Callable[[Callable[[], Answer]], str],
) -> None:
    url = serve(lambda: (200, {"content-type": "text/html"}, b"<html>login</html>"))
    assert assert_one_error_line(whoami(url)) == (
        "error: GET /v1/organizations/me failed 200: the response body is not JSON\n"
    )


@pytest.mark.parametrize(
    "body", [b"[]", b"null", b'{"id": 5}', b'{"type": "organization"}', b'"text"']
)
def test_json_of_the_wrong_shape_is_one_line(
    serve: Callable[[Callable[[], Answer]], str], body: bytes
) -> None:
    url = serve(lambda: (200, {"content-type": "application/json", "request-id": "req_s"}, body))
    line = assert_one_error_line(whoami(url))
    assert line.startswith("error: GET /v1/organizations/me failed: the response is not a valid ")
    assert "(request-id req_s)" in line


def test_401_html_explains_the_credential_source(
    serve: Callable[[Callable[[], Answer]], str],
) -> None:
    url = serve(lambda: (401, {"content-type": "text/html"}, b"<html>no</html>"))
    line = assert_one_error_line(whoami(url))
    assert line.startswith("error: GET /v1/organizations/me failed 401: Unauthorized; ")
    assert "the token from --auth-token was refused" in line


def test_a_server_that_never_answers_fails_within_timeout(
    serve: Callable[[Callable[[], Answer]], str],
) -> None:
    def hang() -> Answer:
        time.sleep(5)
        return 200, {}, b"{}"

    url = serve(hang)
    assert assert_one_error_line(whoami(url)) == (
        "error: GET /v1/organizations/me failed: no answer within the 1 s timeout "
        f"(ReadTimeout); check that {url} is up and answering, or raise --timeout\n"
    )


def test_a_closed_port_fails_within_timeout() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    assert assert_one_error_line(whoami(url)) == (
        f"error: GET /v1/organizations/me failed: could not connect (ConnectError); "
        f"check that {url} is reachable\n"
    )
