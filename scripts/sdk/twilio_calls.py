"""N sequential updates (mute) of one participant with twilio-python 9.x,
the same calls the `calls` example makes, for CPU time per call
(scripts/cpu-per-call.sh).

Usage: BENCH_DEMO=DEMO_JSON python twilio_calls.py COUNT
"""

import json
import os
import sys

from twilio.rest import Client


def main():
    demo, count = json.loads(os.environ["BENCH_DEMO"]), int(sys.argv[1])
    client = Client(demo["account_sid"], demo["auth_token"])
    # The fake's root: the SDK calls /2010-04-01/... there, as on Twilio.
    client.api.base_url = demo["base_url"][: -len("/api/laml")]
    participant = client.conferences(demo["conference_sid"]).participants(demo["call_sids"][0])
    for _ in range(count):
        participant.update(muted=True)


if __name__ == "__main__":
    main()
