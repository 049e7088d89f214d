"""Webhooks cannot be aimed inside the service's network: internal addresses are refused in
every spelling, when a webhook is saved and again when each delivery is sent, after DNS
answers; unless private targets are allowed, for receivers on premises."""

import ipaddress
import re
import socket
from collections import Counter

import pytest

from tests.receivers import HOOKS, closed_port, tls_for

EVENTS = ["article.published"]
NAME = "hooks.clinic.example"
PUBLIC = "93.184.215.14"
# Loopback, private, link-local (the cloud's metadata), CGNAT, multicast, unspecified and
# reserved addresses, as IP literals in the spellings a resolver reads.
INTERNAL = [
    "127.0.0.1",
    "127.1",
    "2130706433",
    "0x7f000001",
    "017700000001",
    "10.0.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "224.0.0.1",
    "0.0.0.0",
    "240.0.0.1",
    "[::1]",
    "[::ffff:127.0.0.1]",
    "[fc00::1]",
    "[fe80::1]",
    "[64:ff9b::7f00:1]",  # NAT64 of 127.0.0.1
    "[2002:7f00:1::]",  # 6to4 of 127.0.0.1
]


@pytest.fixture
def dns(monkeypatch):
    """The resolver, faked: `dns.answers[name]` is what it says for a name, `dns.lookups`
    counts the questions. IP literals resolve as ever; other names do not (no real DNS)."""
    real = socket.getaddrinfo

    class Resolver:
        answers: dict[str, list[str]] = {}
        lookups: Counter = Counter()

        @staticmethod
        def getaddrinfo(host, port, *args, **kwargs):
            if host in Resolver.answers:
                Resolver.lookups[host] += 1
                return [
                    (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0))
                    if ":" in address
                    else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))
                    for address in Resolver.answers[host]
                ]
            try:
                ipaddress.ip_address(host)
            except ValueError:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None
            return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", Resolver.getaddrinfo)
    return Resolver


def new_webhook(client, auth, url):
    return client.post(HOOKS, json={"url": url, "events": EVENTS}, headers=auth("admin"))


def refused_url(response) -> str:
    assert response.status_code == 422, response.json
    ((field, message),) = [(e["field"], e["message"]) for e in response.json["errors"]]
    assert field == "url"
    return message


@pytest.mark.parametrize("host", INTERNAL)
def test_a_webhook_aimed_inside_the_network_is_refused_in_every_spelling(client, auth, host):
    message = refused_url(new_webhook(client, auth, f"http://{host}:8080/hook"))
    assert message.endswith(" is not a public internet address.")


@pytest.mark.parametrize(
    ("name", "answers"),
    [("localhost", ["127.0.0.1", "::1"]), (NAME, ["10.0.0.5"]), (NAME, [PUBLIC, "192.168.0.10"])],
    ids=["localhost", "private", "public-and-private"],
)
def test_a_name_resolving_inside_the_network_is_refused(client, auth, dns, name, answers):
    dns.answers[name] = answers
    message = refused_url(new_webhook(client, auth, f"https://{name}/hook"))
    assert message == f"The host {name} resolves to an address that is not public."  # which: unsaid


def test_a_name_that_does_not_resolve_is_refused(client, auth, dns):
    assert refused_url(new_webhook(client, auth, "https://nowhere.example/hook")) == (
        "The host nowhere.example does not resolve."
    )


@pytest.mark.parametrize(
    "url", [f"https://{NAME}/hook", "https://[2606:4700::1111]/hook", "http://8.8.8.8:8080/hook"]
)
def test_public_targets_are_accepted_as_the_spec_says(client, auth, dns, url):
    dns.answers[NAME] = [PUBLIC, "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]
    assert new_webhook(client, auth, url).status_code == 201
    spec = client.get("/openapi.json").json["components"]["schemas"]["NewWebhook"]["properties"]["url"]
    assert re.fullmatch(spec["pattern"], url)


@pytest.mark.parametrize("host", INTERNAL)
def test_private_targets_may_be_allowed_for_receivers_on_premises(client, auth, private_targets, host):
    assert new_webhook(client, auth, f"http://{host}:8080/hook").status_code == 201


def send(runner) -> str:
    result = runner.invoke(args=["send-webhooks"])
    assert result.exit_code == 0, result.output
    return result.output


def only_attempt(client, auth, hook):
    ((delivery,),) = [client.get(f"{HOOKS}/{hook['id']}/deliveries", headers=auth("admin")).json]
    (attempt,) = delivery["attempt_log"]
    return attempt


def test_a_name_answering_an_internal_address_at_send_time_is_not_sent_to(
    client, runner, auth, dns, receiver, create_published
):
    """DNS rebinding: public when the webhook was saved, the receiver inside when it is sent."""
    endpoint = receiver()
    dns.answers[NAME] = [PUBLIC]
    hook = new_webhook(client, auth, f"http://{NAME}:{endpoint.port}/hook").json
    dns.answers[NAME] = ["127.0.0.1"]
    create_published()

    assert "pending (HTTP None)" in send(runner)  # tried again later, as for any failure
    assert endpoint.received == []
    attempt = only_attempt(client, auth, hook)
    assert attempt["status_code"] is None
    assert attempt["error"] == f"Refused: The host {NAME} resolves to an address that is not public."


def test_a_webhook_saved_while_private_targets_were_allowed_is_refused_once_they_are_not(
    app, client, runner, auth, receiver, create_published, monkeypatch
):
    endpoint = receiver()
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE_TARGETS", True)
    hook = new_webhook(client, auth, endpoint.url).json
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_PRIVATE_TARGETS", False)
    create_published()

    send(runner)
    assert endpoint.received == []
    assert only_attempt(client, auth, hook)["error"].startswith("Refused: ")


def test_a_delivery_goes_to_the_address_resolved_once_under_the_hosts_name(
    client, runner, auth, dns, receiver, private_targets, create_published, monkeypatch
):
    """Straight to it: a proxy (which would resolve the name itself) is not used."""
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{closed_port()}")
    endpoint = receiver()
    dns.answers[NAME] = ["127.0.0.1"]
    new_webhook(client, auth, f"http://{NAME}:{endpoint.port}/hook")
    create_published()

    assert "delivered (HTTP 200)" in send(runner)
    assert dns.lookups[NAME] == 1  # nothing asked again, to be told another address
    ((headers, _),) = endpoint.received
    assert headers["Host"] == f"{NAME}:{endpoint.port}"


def test_an_https_receiver_is_verified_under_its_name_while_reached_at_its_address(
    client, runner, auth, dns, receiver, private_targets, create_published, tmp_path, monkeypatch
):
    """TLS presents the name (SNI) and checks the certificate against it, not the address."""
    tls, authority = tls_for(NAME, tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(authority))  # the sender trusts the test authority
    endpoint = receiver(tls=tls)
    dns.answers[NAME] = ["127.0.0.1"]
    new_webhook(client, auth, f"https://{NAME}:{endpoint.port}/hook")
    create_published()

    assert "delivered (HTTP 200)" in send(runner)
    assert len(endpoint.received) == 1
