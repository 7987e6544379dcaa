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
    # The fake listens on http://127.0.0.1:PORT; base_url is
    # http://127.0.0.1:PORT/api/laml. Both SDKs keep their API domain's base
    # URL in an attribute; pointing it at the fake is the only change.
    root = demo["base_url"][: -len("/api/laml")]
    if sdk == "twilio9":
        from twilio.rest import Client

        client = Client(demo["account_sid"], demo["auth_token"])
        # twilio-python 9.x: the Api domain joins base_url and the path.
        client.api.base_url = demo["base_url"]
        return client
    from signalwire.rest import Client

    client = Client(
        demo["account_sid"], demo["auth_token"], signalwire_space_url="example.signalwire.com"
    )
    # signalwire 2.1.1 sets client._api.base_url to https://SPACE and calls
    # /2010-04-01/... without /api/laml, as its legacy SDKs do.
    client._api.base_url = root
    return client


def main():
    sdk, demo = sys.argv[1], json.loads(os.environ["SDK_CHECK_DEMO"])
    client = make_client(sdk, demo)
    conference = demo["conference_sid"]
    alice, bob, supervisor = demo["call_sids"]
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

    passed = sum(results)
    print(f"{sdk}: {passed} passed, {len(results) - passed} failed")
    sys.exit(0 if passed == len(results) else 1)


if __name__ == "__main__":
    main()
