"""Drives the fake server through an official Python SDK, exactly as a user
would talk to SignalWire, and checks that every call succeeds and that the
state read back matches what was set: the participants first, then the
conferences (found by name and by day), an announcement, the recording
(paused, resumed, stopped, deleted), and last the end of the conference.

Usage: SDK_CHECK_DEMO=DEMO_JSON python sdk_check.py {twilio9|signalwire}
(DEMO_JSON is the first line `cargo xtask serve` prints; it holds the demo
token, so it travels in the environment, not on the command line.)

`python sdk_check.py --write-create-body` (twilio9's venv, no fake needed)
rewrites CREATE_FIXTURE: the raw body twilio-python sends for CREATE_ARGS.
The twilio9 check fails when that body differs from the committed file, and
a Rust test (tests/participants/create.rs) checks that our client sends the
same pairs for the same arguments.
"""

import http.server
import json
import os
import pathlib
import sys
import threading
import traceback

CREATE_FIXTURE = (
    pathlib.Path(__file__).resolve().parents[2]
    / "tests/participants/fixtures/create_participant_twilio_body.txt"
)
# One fixed create: both array fields with 2+ elements, a label with a space
# and non-ASCII, a `~` and a `*` in a URL, booleans and an integer. The Rust
# test restates these arguments (keep the two in step).
CREATE_ARGS = {
    "from_": "+15017122661",
    "to": "+15558675310",
    "label": "agent Zoë",
    "muted": True,
    "early_media": False,
    "timeout": 20,
    "status_callback": "https://example.com/~calls/*/progress?a=1&b=*",
    "status_callback_event": ["ringing", "answered"],
    "conference_status_callback": "https://example.com/conference",
    "conference_status_callback_event": ["join", "leave", "mute"],
}


def twilio_create_body():
    """The raw body twilio-python sends for CREATE_ARGS, caught by a tiny
    HTTP server on 127.0.0.1 that answers 201 as Twilio does."""
    from twilio.rest import Client

    bodies = []

    class Catch(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            bodies.append(self.rfile.read(int(self.headers["Content-Length"])))
            answer = json.dumps({"call_sid": "CA" + "0" * 32, "status": "queued"}).encode()
            self.send_response(201)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Catch)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        client = Client("AC" + "0" * 32, "token")
        client.api.base_url = f"http://127.0.0.1:{server.server_port}"
        client.conferences("CF" + "0" * 32).participants.create(**CREATE_ARGS)
    finally:
        server.shutdown()
    return bodies[0]


def committed_create_body():
    # The file is the raw body and one newline (text files end with one).
    return CREATE_FIXTURE.read_bytes().removesuffix(b"\n")


def make_client(sdk, demo):
    # The fake listens on http://127.0.0.1:PORT. Both SDKs keep their API
    # domain's base URL in an attribute, and pointing it at the fake's root is
    # the only change: like the real services (https://api.twilio.com,
    # https://SPACE.signalwire.com), they then call /2010-04-01/..., where the
    # fake answers as Twilio does. The root matters for paging: both SDKs
    # append a page's next_page_uri (a path on the host) to that base URL.
    root = demo["base_url"][: -len("/api/laml")]
    if sdk == "twilio9":
        from twilio.rest import Client

        client = Client(demo["account_sid"], demo["auth_token"])
        client.api.base_url = root
        return client
    from signalwire.rest import Client

    client = Client(
        demo["account_sid"], demo["auth_token"], signalwire_space_url="example.signalwire.com"
    )
    client._api.base_url = root
    return client


def main():
    sdk, demo = sys.argv[1], json.loads(os.environ["SDK_CHECK_DEMO"])
    client = make_client(sdk, demo)
    conference = demo["conference_sid"]
    calls = demo["call_sids"]
    alice, bob, supervisor = calls[:3]
    results = []

    def participant(call):
        return client.conferences(conference).participants(call)

    def check(name, fn):
        try:
            fn()
            results.append(True)
            print(f"ok   {sdk} {name}")
        except Exception as e:  # noqa: BLE001 - every failure is reported
            results.append(False)
            detail = "".join(traceback.format_exception_only(type(e), e)).strip()
            print(f"FAIL {sdk} {name}: {detail}")

    def raw_fields(call):
        # Fields the SDK's participant type does not carry (SignalWire's
        # hold_url), read through the SDK's own authenticated HTTP client.
        base = client.api.base_url if sdk == "twilio9" else client._api.base_url
        url = f"{base}/2010-04-01/Accounts/{demo['account_sid']}/Conferences/{conference}/Participants/{call}.json"
        response = client.request("GET", url)
        if response.status_code != 200:
            raise AssertionError(f"raw fetch answered {response.status_code}")
        return json.loads(response.text)

    def expect(p, **fields):
        raw = None
        for key, want in fields.items():
            if hasattr(p, key):
                got = getattr(p, key)
            else:
                raw = raw or raw_fields(p.call_sid)
                got = raw.get(key)
            if got != want:
                raise AssertionError(f"{key}: expected {want!r}, read back {got!r}")

    def retrieve():
        p = participant(alice).fetch()
        expect(p, call_sid=alice, conference_sid=conference, account_sid=demo["account_sid"], status="in-progress")

    def retrieve_by_label():
        p = participant(demo["labels"][1]).fetch()
        expect(p, call_sid=bob)

    def update_and_read_back(call, kwargs, expected):
        def run():
            answer = participant(call).update(**kwargs)
            expect(answer, **expected)
            again = participant(call).fetch()
            expect(again, **expected)
            if again.date_updated is None:
                raise AssertionError("date_updated was not read back")

        return run

    check("retrieve", retrieve)
    check("retrieve by label", retrieve_by_label)
    check("update: mute", update_and_read_back(alice, {"muted": True}, {"muted": True}))
    check(
        "update: hold with music",
        update_and_read_back(
            alice,
            {"hold": True, "hold_url": "http://www.your-application.com/hold"},
            {"hold": True, "hold_url": "http://www.your-application.com/hold"},
        ),
    )
    check(
        "update: coach",
        update_and_read_back(
            supervisor,
            {"muted": False, "coaching": True, "call_sid_to_coach": alice},
            {"muted": False, "coaching": True, "call_sid_to_coach": alice},
        ),
    )
    check(
        "update: monitor",
        update_and_read_back(
            supervisor,
            {"muted": True, "coaching": True, "call_sid_to_coach": alice},
            {"muted": True, "coaching": True, "call_sid_to_coach": alice},
        ),
    )
    check(
        "update: barge",
        update_and_read_back(
            supervisor,
            {"muted": False, "coaching": False},
            {"muted": False, "coaching": False, "call_sid_to_coach": None},
        ),
    )
    full = {
        "announce_method": "GET",
        "announce_url": "https://example.com",
        "call_sid_to_coach": bob,
        "coaching": True,
        "hold": True,
        "hold_method": "GET",
        "hold_url": "https://example.com",
        "muted": True,
        "wait_method": "GET",
        "wait_url": "https://example.com",
    }
    full_expected = {"coaching": True, "call_sid_to_coach": bob, "hold": True, "hold_url": "https://example.com", "muted": True}
    full.update({"beep_on_exit": True, "end_conference_on_exit": True})
    full_expected["end_conference_on_exit"] = True
    check("update: every field", update_and_read_back(alice, full, full_expected))
    check("update: nothing", update_and_read_back(bob, {}, {"muted": False, "hold": False}))

    def sids(participants):
        return [p.call_sid for p in participants]

    def every_participant():
        everyone = sids(client.conferences(conference).participants.list())
        if everyone != calls:
            raise AssertionError(f"list() gave {everyone}")

    def one_per_page():
        # page_size=1: every participant comes from a page of its own, each
        # reached through the previous page's next_page_uri.
        streamed = sids(client.conferences(conference).participants.stream(page_size=1))
        if streamed != calls:
            raise AssertionError(f"stream(page_size=1) gave {streamed}")
        first = client.conferences(conference).participants.page(page_size=1)
        if first.next_page_url is None or len(list(first)) != 1:
            raise AssertionError("the first page of one does not name a next page")

    def filtered():
        everyone = [participant(c).fetch() for c in calls]
        for flag in ("muted", "hold"):
            for wanted in (True, False):
                got = sids(client.conferences(conference).participants.list(**{flag: wanted}))
                expected = [p.call_sid for p in everyone if getattr(p, flag) == wanted]
                if got != expected:
                    raise AssertionError(f"list({flag}={wanted}) gave {got}, expected {expected}")

    def kick():
        if participant(bob).delete() is not True:
            raise AssertionError("delete() did not answer True")
        try:
            participant(bob).fetch()
            raise AssertionError("the kicked participant can still be fetched")
        except Exception as e:  # noqa: BLE001 - the SDK's own error type differs by version
            if getattr(e, "status", None) != 404:
                raise
        left = sids(client.conferences(conference).participants.list())
        if left != [c for c in calls if c != bob]:
            raise AssertionError(f"after the kick, list() gave {left}")

    check("list", every_participant)
    check("stream, one per page", one_per_page)
    check("list with filters", filtered)
    check("delete (kick), then 404", kick)

    def create():
        from twilio.base.exceptions import TwilioRestException

        participants = client.conferences(conference).participants
        args = dict(
            from_="+15017122661",
            to="+15558675310",
            label="sdk agent",
            status_callback_event=["ringing", "answered"],
            conference_status_callback_event=["join", "leave"],
            muted=True,
        )
        p = participants.create(**args)
        expect(p, status="queued", label="sdk agent", muted=True, hold=False)
        again = participant(p.call_sid).fetch()
        expect(again, status="connected", label="sdk agent", muted=True)
        if p.call_sid not in sids(participants.list()):
            raise AssertionError("the created participant is not listed")
        try:
            participants.create(**args)
            raise AssertionError("a duplicate label was accepted")
        except TwilioRestException as e:
            if (e.status, e.code) != (400, 16025):
                raise AssertionError(f"a duplicate label: {e.status} {e.code}") from e

    def create_body_is_the_fixtures():
        sent, committed = twilio_create_body(), committed_create_body()
        if sent != committed:
            raise AssertionError(f"twilio-python sent {sent!r}, {CREATE_FIXTURE.name} has {committed!r}")

    def no_create_on_laml():
        # This SDK calls the bare /2010-04-01 paths, where the fake serves
        # Twilio's create; SignalWire's own paths have none (D32): a POST
        # there is a 405 that names what the path serves.
        base = client._api.base_url
        url = f"{base}/api/laml/2010-04-01/Accounts/{demo['account_sid']}/Conferences/{conference}/Participants.json"
        response = client.request("POST", url, data={"From": "+15017122661", "To": "+15558675310"})
        allow = response.headers.get("Allow")
        if (response.status_code, allow) != (405, "GET,HEAD"):
            raise AssertionError(f"answered {response.status_code} with Allow {allow!r}")
        if json.loads(response.text).get("code") != 20004:
            raise AssertionError(f"answered {response.text}")

    if sdk == "twilio9":
        check("create: queued, then connected; a duplicate label is 16025", create)
        check("create: the body is the committed fixture's", create_body_is_the_fixtures)
    else:
        check("create on /api/laml: 405 with Allow", no_create_on_laml)

    # Conferences and their recordings. Ending the demo conference takes
    # everyone out, so it comes last, after every participant check.
    import datetime

    from twilio.base.exceptions import TwilioRestException

    name = demo["conference_name"]
    ended, recording = demo["ended_conference_sid"], demo["recording_sid"]

    def conference_sids(**filters):
        return [c.sid for c in client.conferences.list(**filters)]

    def refused(status, code, call):
        try:
            call()
        except TwilioRestException as e:
            if (e.status, e.code) != (status, code):
                raise AssertionError(f"expected {status} {code}, got {e.status} {e.code}") from e
            return
        raise AssertionError(f"expected {status} {code}, the call succeeded")

    def list_conferences_by_name():
        # Both "standup"s, oldest first; the status tells the running one.
        both = client.conferences.list(friendly_name=name)
        if [(c.sid, c.status) for c in both] != [(ended, "completed"), (conference, "in-progress")]:
            raise AssertionError(f"list(friendly_name) gave {[(c.sid, c.status) for c in both]}")
        running = conference_sids(friendly_name=name, status="in-progress")
        if running != [conference]:
            raise AssertionError(f"list(friendly_name, status) gave {running}")

    def list_conferences_by_day():
        # Sent as `DateCreated>=` and `DateCreated<=`: on or after, on or before.
        day = datetime.date(2018, 9, 24)
        cases = [
            (dict(date_created_after=day), [conference]),
            (dict(date_created_before=day - datetime.timedelta(days=1)), [ended]),
            (dict(date_created_before=day, date_created_after=day), [conference]),
            (dict(date_created=day - datetime.timedelta(days=1)), [ended]),
            (dict(date_created_after=day + datetime.timedelta(days=1)), []),
        ]
        for filters, expected in cases:
            got = conference_sids(**filters)
            if got != expected:
                raise AssertionError(f"list({filters}) gave {got}, expected {expected}")

    def fetch_conferences():
        running = client.conferences(conference).fetch()
        expect(running, sid=conference, friendly_name=name, status="in-progress", account_sid=demo["account_sid"])
        if running.reason_conference_ended is not None:
            raise AssertionError(f"a running conference ended: {running.reason_conference_ended!r}")
        earlier = client.conferences(ended).fetch()
        expect(earlier, status="completed", reason_conference_ended="last-participant-left")

    def announce():
        answer = client.conferences(conference).update(
            announce_url="https://example.com/notice.xml", announce_method="GET"
        )
        expect(answer, sid=conference, status="in-progress")

    def list_recordings():
        recordings = client.conferences(conference).recordings
        got = [r.sid for r in recordings.list()]
        if got != [recording]:
            raise AssertionError(f"recordings.list() gave {got}")
        after = [r.sid for r in recordings.list(date_created_after=datetime.date(2018, 9, 24))]
        before = [r.sid for r in recordings.list(date_created_before=datetime.date(2018, 9, 23))]
        if (after, before) != ([recording], []):
            raise AssertionError(f"recordings.list() with bounds gave {after}, {before}")
        r = recordings(recording).fetch()
        expect(r, sid=recording, conference_sid=conference, status="in-progress", channels=1)

    def pause_resume_stop():
        r = client.conferences(conference).recordings(recording)
        for kwargs, status in [
            (dict(status="paused", pause_behavior="skip"), "paused"),
            (dict(status="in-progress"), "in-progress"),
            (dict(status="stopped"), "stopped"),
        ]:
            expect(r.update(**kwargs), status=status)
            expect(r.fetch(), status=status)
        # A stopped recording does not pause (16114); stopping it again is a no-op.
        refused(400, 16114, lambda: r.update(status="paused"))
        expect(r.update(status="stopped"), status="stopped")

    def delete_recording():
        r = client.conferences(conference).recordings(recording)
        if r.delete() is not True:
            raise AssertionError("delete() did not answer True")
        refused(404, 20404, r.fetch)
        if client.conferences(conference).recordings.list():
            raise AssertionError("the deleted recording is still listed")

    def end_conference():
        answer = client.conferences(conference).update(status="completed")
        expect(answer, status="completed", reason_conference_ended="conference-ended-via-api")
        if client.conferences(conference).participants.list():
            raise AssertionError("participants are still listed")
        refused(404, 20404, participant(alice).fetch)
        # Again: the same ended conference (D39); announcing to it is refused.
        expect(client.conferences(conference).update(status="completed"), status="completed")
        refused(400, 21220, lambda: client.conferences(conference).update(announce_url="https://example.com/n.xml"))
        if conference_sids(friendly_name=name, status="in-progress"):
            raise AssertionError("an ended conference is still listed as in progress")

    check("conferences: list by name and status", list_conferences_by_name)
    check("conferences: list by day, with the date bounds", list_conferences_by_day)
    check("conference: fetch, running and ended", fetch_conferences)
    check("conference: announce", announce)
    check("recordings: list, with a bound; fetch", list_recordings)
    check("recording: pause (skip), resume, stop; no pause after a stop", pause_resume_stop)
    check("recording: delete, then 404", delete_recording)
    check("conference: end; everyone leaves; again; no announcement", end_conference)

    passed = sum(results)
    print(f"{sdk}: {passed} passed, {len(results) - passed} failed")
    sys.exit(0 if passed == len(results) else 1)


if __name__ == "__main__":
    if sys.argv[1:] == ["--write-create-body"]:
        CREATE_FIXTURE.parent.mkdir(parents=True, exist_ok=True)
        CREATE_FIXTURE.write_bytes(twilio_create_body() + b"\n")
        print(f"wrote {CREATE_FIXTURE}")
    else:
        main()
