"""Drive the fake SignalWire participant server with an official Python SDK.

Usage (scripts/sdk-check.sh runs it with each SDK's virtual environment):

    SDK_CHECK_DEMO='<first line of `cargo xtask serve`>' \
        python scripts/sdk_check.py --sdk {twilio9|signalwire}

--sdk twilio9     twilio-python 9.x: `twilio.rest.Client`, pointed at the fake
                  by setting the Api domain's `client.api.base_url` to the
                  fake's base_url (http://127.0.0.1:PORT/api/laml), so calls go
                  to /api/laml/2010-04-01/... as for a SignalWire space.
--sdk signalwire  signalwire 2.1.1 (twilio 6.54.0 inside): `signalwire.rest.Client`
                  forces https://SPACE; after construction its Api domain
                  (`client.api`, the `_api` it created) gets `base_url` =
                  http://127.0.0.1:PORT. Like the real package it calls
                  /2010-04-01/... without /api/laml.

Every SDK call is one check. It prints `ok   <sdk> <name>` or
`FAIL <sdk> <name>: <reason>`, each followed by the request the SDK put on the
wire, and ends with `N passed, M failed`; it exits 1 if M > 0. The auth token
is never printed. Only the standard library and the SDK are used.
"""

import argparse
import base64
import json
import os
import sys
import traceback
from urllib.parse import parse_qsl, urlsplit

LOOPBACK = "127.0.0.1"
HOLD_MUSIC = "http://www.your-application.com/hold"


class Wire:
    """Records every request the SDK's `requests` session sends (and the
    answer), and refuses any that is not for 127.0.0.1."""

    def __init__(self, session):
        self.exchanges = []
        # No proxy, netrc or CA settings from the environment: straight to loopback.
        session.trust_env = False
        send = session.send

        def recording_send(request, **kwargs):
            host = urlsplit(request.url).hostname
            if host != LOOPBACK:
                raise RuntimeError(f"refusing to send a request to {host!r}: only {LOOPBACK}")
            response = send(request, **kwargs)
            self.exchanges.append((request, response))
            return response

        session.send = recording_send

    def mark(self):
        return len(self.exchanges)

    def since(self, mark):
        return self.exchanges[mark:]


def make_client(sdk, demo):
    base_url = demo["base_url"]  # http://127.0.0.1:PORT/api/laml
    split = urlsplit(base_url)
    if split.scheme != "http" or split.hostname != LOOPBACK:
        raise SystemExit(f"base_url must be http://{LOOPBACK}:PORT/...; got {base_url!r}")
    origin = f"{split.scheme}://{split.netloc}"  # http://127.0.0.1:PORT

    if sdk == "twilio9":
        import twilio
        from twilio.rest import Client

        client = Client(demo["account_sid"], demo["auth_token"])
        # twilio/rest/api/ApiBase.py: the Api domain is a twilio.base.domain.Domain
        # whose absolute_url() joins `base_url` ("https://api.twilio.com" by
        # default) with "2010-04-01/Accounts/...".
        client.api.base_url = base_url
        version = f"twilio {twilio.__version__}"
    else:
        import twilio
        from signalwire.rest import Client

        # signalwire/rest/__init__.py rewrites the space URL's scheme to https and
        # stores it as self._api.base_url (the object `client.api` returns).
        client = Client(
            demo["account_sid"], demo["auth_token"], signalwire_space_url=split.netloc
        )
        client.api.base_url = origin
        version = f"signalwire 2.1.1 / twilio {twilio.__version__}"
    # TWILIO_EDGE / TWILIO_REGION in the environment would make get_hostname()
    # rewrite the host; keep the URL exactly as the domain builds it.
    client.edge = None
    client.region = None
    wire = Wire(client.http_client.session)
    return client, wire, version


class Checker:
    def __init__(self, sdk, demo, client, wire):
        self.sdk, self.demo, self.client, self.wire = sdk, demo, client, wire
        self.token = demo["auth_token"]
        basic = f"{demo['account_sid']}:{self.token}".encode()
        self.secrets = [self.token, base64.b64encode(basic).decode()]
        self.passed = 0
        self.failed = 0

    def say(self, text):
        for secret in self.secrets:
            if secret:
                text = text.replace(secret, "<redacted>")
        print(text, flush=True)

    def describe(self, exchange, full):
        request, response = exchange
        split = urlsplit(request.url)
        body = request.body or ""
        if isinstance(body, bytes):
            body = body.decode("utf-8", "replace")
        line = f"       {request.method} {split.path}{'?' + split.query if split.query else ''}"
        line += f"  body={body!r}" if request.method != "GET" else ""
        line += f"  -> {response.status_code}"
        if full:
            headers = {
                k: ("Basic <redacted>" if k.lower() == "authorization" else v)
                for k, v in request.headers.items()
            }
            line += f"\n       request headers: {headers}"
            line += f"\n       response body: {response.text}"
        return line

    def check(self, name, fn):
        mark = self.wire.mark()
        try:
            fn(mark)
        except Exception as e:  # noqa: BLE001 - every failure is reported
            self.failed += 1
            reason = error_text(e)
            self.say(f"FAIL {self.sdk} {name}: {reason}")
            for exchange in self.wire.since(mark):
                self.say(self.describe(exchange, full=True))
            if not self.wire.since(mark):
                self.say("       (no request reached the wire)\n" + indent(traceback.format_exc()))
            return False
        self.passed += 1
        self.say(f"ok   {self.sdk} {name}")
        for exchange in self.wire.since(mark):
            self.say(self.describe(exchange, full=False))
        return True

    def note(self, text):
        self.say(f"note {self.sdk} {text}")


def error_text(e):
    status = getattr(e, "status", None)
    msg = getattr(e, "msg", None)
    if status is not None and msg is not None:  # TwilioRestException
        return f"HTTP {status} (code {getattr(e, 'code', None)}): {msg}"
    return "".join(traceback.format_exception_only(type(e), e)).strip()


def indent(text):
    return "\n".join("       " + line for line in text.rstrip().splitlines())


def raw_json(wire, mark):
    """The JSON body of the last answer since `mark`: the fields the SDK's
    participant type does not keep (hold_url), and the dates as sent."""
    exchanges = wire.since(mark)
    if not exchanges:
        raise AssertionError("no request reached the wire")
    return json.loads(exchanges[-1][1].text)


def expect_wire(wire, mark, method, path_end):
    exchanges = wire.since(mark)
    if len(exchanges) != 1:
        raise AssertionError(f"expected 1 request on the wire, saw {len(exchanges)}")
    request, _ = exchanges[0]
    path = urlsplit(request.url).path
    if request.method != method or not path.endswith(path_end):
        raise AssertionError(f"sent {request.method} {path}, expected {method} .../{path_end}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sdk", choices=["twilio9", "signalwire"], required=True)
    parser.add_argument(
        "--demo-env",
        default="SDK_CHECK_DEMO",
        help="environment variable holding the fake's demo JSON (default SDK_CHECK_DEMO)",
    )
    args = parser.parse_args()
    try:
        demo = json.loads(os.environ[args.demo_env])
    except (KeyError, ValueError) as e:
        raise SystemExit(f"{args.demo_env} must hold the JSON line `cargo xtask serve` prints ({e})")

    sdk = args.sdk
    client, wire, version = make_client(sdk, demo)
    c = Checker(sdk, demo, client, wire)
    conference = demo["conference_sid"]
    alice, bob, supervisor = demo["call_sids"][:3]
    participants_path = f"/2010-04-01/Accounts/{demo['account_sid']}/Conferences/{conference}/Participants/"
    c.note(f"{version}: requests go to {client.api.base_url}{participants_path}...")

    def participant(call):
        return client.conferences(conference).participants(call)

    def expect_fields(p, raw, fields, where):
        for key, want in fields.items():
            got = getattr(p, key) if hasattr(p, key) else raw.get(key)
            if got != want:
                raise AssertionError(f"{where}: {key} expected {want!r}, got {got!r}")
        status = p.status
        if status != "in-progress":
            raise AssertionError(f"{where}: status expected 'in-progress', got {status!r}")
        for key in ("date_created", "date_updated"):
            if not raw.get(key):
                raise AssertionError(f"{where}: {key} missing from the JSON")

    date_notes = set()

    def note_dates(p, raw):
        # twilio-python parses dates with email.utils.parsedate, which does not
        # know the seeded "Sept" month: record it, do not fail on it.
        if p.date_created is None and "date_created" not in date_notes:
            date_notes.add("date_created")
            c.note(f"date_created {raw.get('date_created')!r} is parsed by the SDK as None")

    # ---- retrieve ----
    def retrieve(mark):
        p = participant(alice).fetch()
        expect_wire(wire, mark, "GET", f"/Participants/{alice}.json")
        raw = raw_json(wire, mark)
        expect_fields(
            p,
            raw,
            {"call_sid": alice, "conference_sid": conference, "account_sid": demo["account_sid"]},
            "retrieve",
        )
        note_dates(p, raw)

    label = demo["labels"][0]  # "alice"

    def retrieve_by_label(mark):
        p = participant(label).fetch()
        # The SDKs put the label into the path as given (str.format, no
        # percent-encoding): "alice" needs none.
        expect_wire(wire, mark, "GET", f"/Participants/{label}.json")
        raw = raw_json(wire, mark)
        expect_fields(p, raw, {"call_sid": alice, "label": label}, "retrieve by label")

    c.check("retrieve", retrieve)
    c.check(f"retrieve by label ({label})", retrieve_by_label)

    # Without any traffic: how the SDK builds the path of a label that needs
    # percent-encoding (the caller must encode it; the SDK does not).
    odd = "sales team/1"
    odd_uri = participant(odd)._uri
    c.note(f"label {odd!r} becomes the path ...{odd_uri[odd_uri.index('/Participants/'):]!s} (no percent-encoding by the SDK)")

    # ---- updates, each followed by a fetch that reads the state back ----
    last_state = {}

    def update_then_read_back(name, call, kwargs, expected):
        expected = dict(expected)
        if expected.get("hold") is True and "hold_url" in kwargs:
            expected["hold_url"] = kwargs["hold_url"]

        def update(mark):
            p = participant(call).update(**kwargs)
            expect_wire(wire, mark, "POST", f"/Participants/{call}.json")
            raw = raw_json(wire, mark)
            expect_fields(p, raw, expected, "update answer")
            if p.date_updated is None:
                raise AssertionError(f"update answer: date_updated {raw.get('date_updated')!r} parsed as None")

        def read_back(mark):
            p = participant(call).fetch()
            expect_wire(wire, mark, "GET", f"/Participants/{call}.json")
            raw = raw_json(wire, mark)
            expect_fields(p, raw, expected, "read back")
            if p.date_updated is None:
                raise AssertionError(f"read back: date_updated {raw.get('date_updated')!r} parsed as None")
            note_dates(p, raw)
            last_state[call] = {k: (getattr(p, k) if hasattr(p, k) else raw.get(k)) for k in STATE}

        c.check(f"update {name}", update)
        c.check(f"fetch after {name}", read_back)

    STATE = ("muted", "hold", "hold_url", "coaching", "call_sid_to_coach", "end_conference_on_exit")

    update_then_read_back("mute", alice, {"muted": True}, {"muted": True})
    update_then_read_back(
        "hold with music",
        alice,
        {"hold": True, "hold_url": HOLD_MUSIC},
        {"hold": True},
    )
    update_then_read_back(
        "coach",
        supervisor,
        {"muted": False, "coaching": True, "call_sid_to_coach": alice},
        {"muted": False, "coaching": True, "call_sid_to_coach": alice},
    )
    update_then_read_back(
        "monitor",
        supervisor,
        {"muted": True, "coaching": True, "call_sid_to_coach": alice},
        {"muted": True, "coaching": True, "call_sid_to_coach": alice},
    )
    update_then_read_back(
        "barge",
        supervisor,
        {"muted": False, "coaching": False},
        # Coaching=false ends coaching: the coached call is cleared.
        {"muted": False, "coaching": False, "call_sid_to_coach": None},
    )
    update_then_read_back(
        "every field",
        bob,
        {
            "announce_method": "GET",
            "announce_url": "https://example.com",
            "beep_on_exit": True,
            "call_sid_to_coach": alice,
            "coaching": True,
            "end_conference_on_exit": True,
            "hold": True,
            "hold_method": "GET",
            "hold_url": "https://example.com",
            "muted": True,
            "wait_method": "GET",
            "wait_url": "https://example.com",
        },
        {
            "call_sid_to_coach": alice,
            "coaching": True,
            "end_conference_on_exit": True,
            "hold": True,
            "muted": True,
        },
    )
    # An empty update changes nothing but date_updated: bob keeps everything
    # the previous update set.
    update_then_read_back("empty", bob, {}, last_state.get(bob) or {})

    print(f"{c.passed} passed, {c.failed} failed", flush=True)
    sys.exit(1 if c.failed else 0)


if __name__ == "__main__":
    main()
