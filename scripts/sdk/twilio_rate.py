"""Sequential requests per second of twilio-python 9.x against a server:
the same update (mute) our client's sequential_rate example makes.

Usage: SDK_CHECK_DEMO=DEMO_JSON python twilio_rate.py COUNT
Prints one JSON line: {"client": ..., "requests": N, "seconds": S, "per_second": R}.
"""

import json
import os
import sys
import time

from twilio.rest import Client


def main():
    demo, count = json.loads(os.environ["SDK_CHECK_DEMO"]), int(sys.argv[1])
    client = Client(demo["account_sid"], demo["auth_token"])
    client.api.base_url = demo["base_url"]
    participant = client.conferences(demo["conference_sid"]).participants(demo["call_sids"][0])
    participant.update(muted=True)  # warm-up: opens the connection
    started = time.perf_counter()
    for _ in range(count):
        participant.update(muted=True)
    seconds = time.perf_counter() - started
    print(json.dumps({"client": "twilio-python 9", "requests": count, "seconds": round(seconds, 4), "per_second": round(count / seconds, 1)}))


if __name__ == "__main__":
    main()
