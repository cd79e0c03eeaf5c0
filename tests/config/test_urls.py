import pytest

from fedctl.config.urls import dialled_url_problem


@pytest.mark.parametrize(
    "url",
    [
        "https://token.actions.githubusercontent.com",
        "https://idp.example.com:443/path",
        "https://a.b.co/",  # `.c` (formerly here) is no public suffix: now refused
        "https://idp.acme.example/",  # RFC 2606 documentation names stay usable
    ],
)
def test_acceptable(url: str) -> None:
    assert dialled_url_problem(url) is None


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://idp.example.com", 'must use https, not "http"; e.g. "https://idp.example.com"'),
        ("idp.example.com", 'must use https, not "no scheme"; e.g. "https://idp.example.com"'),
        (
            "https://idp.example.com:8443",
            "must use port 443 (Anthropic dials only 443), not 8443; drop the port",
        ),
        ("https://192.168.1.1", "host 192.168.1.1 is an IP literal; use a public DNS host name"),
        ("https://[2001:db8::1]", "host 2001:db8::1 is an IP literal; use a public DNS host name"),
        (
            "https://LOCALHOST",
            "host localhost is not a public DNS name; use a host Anthropic can reach",
        ),
        (
            "https://idp.local",
            "host idp.local is not a public DNS name; use a host Anthropic can reach",
        ),
        ("https://idp", "host idp is a single-label name; use a fully qualified public DNS name"),
        ("https://", '"https://" has no host name; e.g. "https://idp.example.com"'),
        (
            "https://a.example.com:99999",
            '"https://a.example.com:99999" is not a valid URL; e.g. "https://idp.example.com"',
        ),
        (
            "https://a b.example.com",
            '"https://a b.example.com" contains whitespace; e.g. "https://idp.example.com"',
        ),
    ],
)
def test_refused(url: str, problem: str) -> None:
    assert dialled_url_problem(url) == problem
