"""The official libraries' side of the webhook benchmark (scripts/webhook-bench.sh):
CPU time per verification of the event in tests/benches/webhook_event.json, on
the thread's CPU clock (time.thread_time_ns, CLOCK_THREAD_CPUTIME_ID), the clock
the Rust side (tests/benches/webhook.rs) reads.

Usage: python webhook_bench.py {twilio|signalwire} EVENT.json [ROUNDS]
Prints one JSON line: the library, and for each measurement the median over
ROUNDS rounds (default 15) of the CPU nanoseconds per call.
- twilio: RequestValidator.validate(url, params, signature), with the form
  already parsed into a MultiDict (as Flask hands it over: `validate`), and
  with the parse (`parse_and_validate`, what ours does from the raw body).
- signalwire: validate_webhook_signature(key, signature, url, raw_body), the
  form scheme (its hex scheme is tried and fails first, as for a real form
  callback).
"""

import json
import statistics
import sys
import time
from importlib.metadata import version
from urllib.parse import parse_qsl


def per_call_ns(fn, calls):
    started = time.thread_time_ns()
    for _ in range(calls):
        fn()
    return (time.thread_time_ns() - started) / calls


def measure(fn, rounds):
    # About 0.2 s of CPU a round.
    calls = 100
    while per_call_ns(fn, calls) * calls < 50e6:
        calls *= 2
    calls *= 4
    return statistics.median(per_call_ns(fn, calls) for _ in range(rounds))


def main():
    which, path = sys.argv[1], sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 15
    with open(path, encoding="utf-8") as f:
        event = json.load(f)
    key, url, body = event["auth_token"], event["url"], event["body"]
    out = {}
    if which == "twilio":
        from multidict import MultiDict
        from twilio.request_validator import RequestValidator

        validator = RequestValidator(key)
        params = MultiDict(parse_qsl(body, keep_blank_values=True))
        signature = validator.compute_signature(url, params)
        assert validator.validate(url, params, signature)
        out["library"] = f"twilio {version('twilio')}"
        out["validate"] = measure(lambda: validator.validate(url, params, signature), rounds)
        out["parse_and_validate"] = measure(
            lambda: validator.validate(url, MultiDict(parse_qsl(body, keep_blank_values=True)), signature),
            rounds,
        )
    else:
        from signalwire.core.security import webhook_validator as v

        concat = v._sorted_concat_params(v._parse_form_body(body))
        signature = v._b64_hmac_sha1(key, url + concat)
        assert v.validate_webhook_signature(key, signature, url, body)
        out["library"] = f"signalwire-sdk {version('signalwire-sdk')}"
        out["validate_webhook_signature"] = measure(
            lambda: v.validate_webhook_signature(key, signature, url, body), rounds
        )
    print(json.dumps(out))


if __name__ == "__main__":
    main()
