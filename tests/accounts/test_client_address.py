"""The client's address: X-Forwarded-For is believed only from a trusted proxy, read from the right."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from accounts.client_address import client_ip
from config.env import env_networks


@pytest.fixture
def request_from(rf):
    def make(peer: str, forwarded: str | None = None):
        extra = {"REMOTE_ADDR": peer}
        if forwarded is not None:
            extra["HTTP_X_FORWARDED_FOR"] = forwarded
        return rf.get("/", **extra)

    return make


def test_without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says(request_from, settings):
    settings.TIDELINE_TRUSTED_PROXIES = ()
    assert client_ip(request_from("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_an_untrusted_peer_cannot_name_another_address(request_from, settings):
    settings.TIDELINE_TRUSTED_PROXIES = ["10.0.0.1"]
    assert client_ip(request_from("203.0.113.9", "10.0.0.1, 198.51.100.1")) == "203.0.113.9"


def test_behind_a_trusted_proxy_the_forwarded_client_is_used(request_from, settings):
    settings.TIDELINE_TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert client_ip(request_from("10.0.0.1", "198.51.100.1")) == "198.51.100.1"


def test_addresses_the_client_wrote_before_the_proxy_are_ignored(request_from, settings):
    settings.TIDELINE_TRUSTED_PROXIES = ["10.0.0.0/24"]
    # The client sent "1.2.3.4" itself; the proxy appended the address it saw.
    assert client_ip(request_from("10.0.0.1", "1.2.3.4, 198.51.100.1")) == "198.51.100.1"


def test_a_chain_of_trusted_proxies_is_walked_from_the_right(request_from, settings):
    settings.TIDELINE_TRUSTED_PROXIES = ["10.0.0.0/24", "172.16.0.5"]
    assert client_ip(request_from("10.0.0.1", "1.2.3.4, 198.51.100.1, 172.16.0.5")) == "198.51.100.1"


def test_an_unreadable_entry_never_becomes_the_client(request_from, settings):
    settings.TIDELINE_TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert client_ip(request_from("10.0.0.1", "198.51.100.1, not-an-address")) == "10.0.0.1"


@pytest.mark.parametrize(
    "entry,expected",
    [
        ("198.51.100.1:5123", "198.51.100.1"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("2001:db8::2", "2001:db8::2"),
    ],
)
def test_ports_and_ipv6_forms_are_read(request_from, settings, entry, expected):
    settings.TIDELINE_TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert client_ip(request_from("10.0.0.1", entry)) == expected


def test_a_peer_that_is_not_an_address_gives_none(request_from):
    assert client_ip(request_from("")) is None


def test_the_setting_refuses_a_value_that_is_not_an_address(monkeypatch):
    monkeypatch.setenv("TIDELINE_TRUSTED_PROXIES", "10.0.0.1, proxy.internal")
    with pytest.raises(ImproperlyConfigured, match="TIDELINE_TRUSTED_PROXIES must list IP addresses"):
        env_networks("TIDELINE_TRUSTED_PROXIES")


def test_the_setting_reads_addresses_and_networks(monkeypatch):
    monkeypatch.setenv("TIDELINE_TRUSTED_PROXIES", "10.0.0.1, 10.1.0.0/16")
    assert [str(n) for n in env_networks("TIDELINE_TRUSTED_PROXIES")] == ["10.0.0.1/32", "10.1.0.0/16"]


def test_the_audit_trail_and_the_lockout_read_the_same_address(request_from, settings):
    from axes.helpers import get_client_ip_address

    from accounts.audit import _client_ip

    settings.TIDELINE_TRUSTED_PROXIES = ["10.0.0.0/24"]
    request = request_from("10.0.0.1", "198.51.100.1")
    assert get_client_ip_address(request) == _client_ip(request) == "198.51.100.1"
