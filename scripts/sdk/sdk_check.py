"""Drives the fake server through an official Python SDK, exactly as a user
would talk to SignalWire, and checks that every call succeeds and that the
state read back matches what was set.

Usage: SDK_CHECK_DEMO=DEMO_JSON python sdk_check.py {twilio9|signalwire}
(DEMO_JSON is the first line `cargo xtask serve` prints; it holds the demo
token, so it travels in the environment, not on the command line.)
"""

import json
import os
import sys
import traceback


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

    passed = sum(results)
    print(f"{sdk}: {passed} passed, {len(results) - passed} failed")
    sys.exit(0 if passed == len(results) else 1)


if __name__ == "__main__":
    main()
