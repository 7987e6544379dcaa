"""Mutes every participant of the fake's demo conference with twilio-python
9.x, as an application would: list them (pages of 1,000), then update each
with muted=True, one after the other or from a pool of threads sharing the
client. Prints the wall time of each round, in seconds, as JSON
(scripts/bench-mute-all.sh).

Usage: BENCH_DEMO=DEMO_JSON python mute_all_bench.py ROUNDS THREADS...
(THREADS 1: sequential, no pool)
"""

import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from twilio.rest import Client


def mute_all(client, conference, threads):
    participants = client.conferences(conference).participants
    calls = [p.call_sid for p in participants.list(page_size=1000)]

    def mute(call):
        return participants(call).update(muted=True).muted

    if threads == 1:
        muted = [mute(call) for call in calls]
    else:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            muted = list(pool.map(mute, calls))
    assert all(muted), "every participant muted"
    return len(muted)


def main():
    demo = json.loads(os.environ["BENCH_DEMO"])
    rounds, threads = int(sys.argv[1]), [int(t) for t in sys.argv[2:]]
    client = Client(demo["account_sid"], demo["auth_token"])
    # The fake's root: the SDK calls /2010-04-01/... there, as on Twilio.
    client.api.base_url = demo["base_url"][: -len("/api/laml")]
    times = {t: [] for t in threads}
    counts = set()
    for _ in range(rounds):
        for t in threads:
            started = time.perf_counter()
            counts.add(mute_all(client, demo["conference_sid"], t))
            times[t].append(time.perf_counter() - started)
    print(json.dumps({"library": "twilio-python " + __import__("twilio").__version__,
                      "participants": sorted(counts), "seconds": times}))


if __name__ == "__main__":
    main()
