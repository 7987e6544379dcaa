"""Signed-callback cases for the cross-check of scripts/webhook-check.sh: an
official library signs each request and decides whether it is valid, and the
file records that decision and the one ours must take.

Usage: python webhook_cases.py {twilio|signalwire} OUT.json
- twilio: twilio-python's RequestValidator (compute_signature signs,
  validate decides, with the form parsed into a MultiDict as Flask does, or
  the raw body when the URL carries bodySHA256).
- signalwire: the signalwire-sdk package's webhook validator (its own
  helpers sign; the framework-free middleware `validate` decides, from the
  headers as a server receives them).

Ours must decide as the library does, except in the cases marked with a
deviation: choices the `webhook` module's documentation explains. Each
deviation is recognised here by what the case is, never assumed: a
disagreement this script cannot explain stops it.
"""

import hashlib
import json
import sys
from importlib.metadata import version
from urllib.parse import parse_qsl, urlencode

TWILIO_KEY = "9f4a6c1e2b7d48a0b3c5e6f708192a3b"
SIGNALWIRE_KEY = "PSK_7f3b2c9d1e4a4b6c8d0e2f4a6b8c0d1e"

# The URLs an application may have given the provider.
URLS = [
    "https://example.com/hooks/conference",
    "https://example.com/hooks/conference?tenant=7&label=a%20b",
    "https://example.com:443/cb",
    "http://example.com/cb",
    "http://127.0.0.1:8080/cb?conf=1",
    "https://example.com:8443/cb",
    "https://user:pass@example.com/cb",
    "https://user:pass@example.com:443/cb",
    "https://[2001:db8::1]/cb",
    "https://example.com",
]

# A participant-leave callback with the fields Twilio documents for it
# (https://www.twilio.com/docs/voice/twiml/conference), 15 of them.
CONFERENCE = [
    ("AccountSid", "AC0123456789abcdef0123456789abcdef"),
    ("ConferenceSid", "CF0123456789abcdef0123456789abcdef"),
    ("FriendlyName", "standup"),
    ("SequenceNumber", "4"),
    ("Timestamp", "Thu, 1 Jun 2017 20:48:32 +0000"),
    ("StatusCallbackEvent", "participant-leave"),
    ("CallSid", "CA0123456789abcdef0123456789abcdef"),
    ("Muted", "false"),
    ("Hold", "false"),
    ("Coaching", "false"),
    ("EndConferenceOnExit", "false"),
    ("StartConferenceOnEnter", "true"),
    ("ParticipantLabel", "customer"),
    ("ParticipantCallStatus", "completed"),
    ("ReasonParticipantLeft", "participant_hung_up"),
]

# Form bodies as lists of fields (encoded with urlencode, spaces as `+`)...
FORMS = {
    "conference": CONFERENCE,
    "repeated": [
        ("StatusCallbackEvent", "participant-mute"),
        ("Sid", "CA1"),
        ("StatusCallbackEvent", "participant-hold"),
        ("StatusCallbackEvent", "participant-mute"),
        ("Sid", "CA0"),
    ],
    "non_ascii": [
        ("FriendlyName", "Café Zürich ☕"),
        ("ParticipantLabel", "日本語"),
        ("Emoji", "🎉"),
        ("Ünïcode", "ß"),
        ("\ufb01le", "\U0001f600"),
        ("Caller", "+14155550100"),
    ],
    "awkward": [
        ("Body", "a&b=c d+e%f"),
        ("Empty", ""),
        ("Plus", "+1 415"),
        ("Eq", "="),
        ("a", "1"),
        ("A", "2"),
    ],
    "one_field": [("CallSid", "CA1")],
}
# ...and as raw bytes, where the encoding is the point.
RAW_FORMS = {
    "bare_key": "Flag&CallSid=CA1",
    "invalid_utf8": "Name=%FF%FE&CallSid=CA2",
    "plus_and_2b": "Caller=+14155550100&To=%2B14155550101",
    "lowercase_escapes": "A=%c3%a9&B=%C3%A9",
    "empty_pieces": "A=1&&B=2&",
}
JSON_BODIES = {
    "json": '{"event":"conference-end","params":{"conference_id":"c0ffee","size":0}}',
    "json_non_ascii": '{"name":"Café ☕ 日本"}',
    "json_empty_object": "{}",
}


def split(url):
    """(scheme, userinfo with its @, host, port or None, rest) of a URL of URLS."""
    scheme, rest = url.split("://", 1)
    cut = min([i for i in (rest.find("/"), rest.find("?"), rest.find("#")) if i >= 0] or [len(rest)])
    authority, tail = rest[:cut], rest[cut:]
    userinfo, _, hostport = authority.rpartition("@")
    userinfo = userinfo + "@" if userinfo else ""
    if hostport.startswith("["):
        end = hostport.index("]") + 1
        host, port = hostport[:end], hostport[end + 1 :] or None
    else:
        host, _, port = hostport.partition(":")
        port = port or None
    return scheme, userinfo, host, port, tail


def join(scheme, userinfo, host, port, tail):
    return f"{scheme}://{userinfo}{host}{':' + port if port else ''}{tail}"


def default_port(scheme):
    return "443" if scheme == "https" else "80"


def ours_candidates(url):
    """The URLs ours accepts a signature over (the webhook module's rule)."""
    scheme, userinfo, host, port, tail = split(url)
    if port is None:
        return {url, join(scheme, userinfo, host, default_port(scheme), tail)}
    if port == default_port(scheme):
        return {url, join(scheme, userinfo, host, None, tail)}
    return {url}


def signed_variants(url):
    """The URLs a provider might have signed for `url`: as given, with the
    default port added, with any port removed, and without user information."""
    scheme, userinfo, host, port, tail = split(url)
    variants = {
        "as-given": url,
        "default-port": join(scheme, userinfo, host, default_port(scheme), tail),
        "no-port": join(scheme, userinfo, host, None, tail),
    }
    if userinfo:
        variants["no-userinfo-default-port"] = join(scheme, "", host, default_port(scheme), tail)
        variants["no-userinfo"] = join(scheme, "", host, port, tail)
        variants["no-userinfo-no-port"] = join(scheme, "", host, None, tail)
    return variants


def explain(provider, stated, signed, kind, theirs):
    """Why ours decides otherwise than the library, for a disagreement this
    project chose; None if it is not one of those."""
    scheme, userinfo, host, port, tail = split(stated)
    s_scheme, s_userinfo, s_host, s_port, s_tail = split(signed)
    if kind == "url-only" and theirs:
        return (
            "the SDK also tries its form scheme over the URL alone, which covers no byte "
            "of the body; ours refuses a signature that does not cover the body"
        )
    if kind != "form" and kind != "json-hash":
        return None
    same_but_port = (s_scheme, s_userinfo, s_host, s_tail) == (scheme, userinfo, host, tail)
    if (
        provider == "twilio" and theirs and same_but_port
        and port not in (None, default_port(scheme)) and s_port is None
    ):
        return (
            "a non-standard port is only taken as given; twilio-python also accepts the "
            "signature of the URL with the port removed"
        )
    if (
        provider == "twilio" and not theirs and same_but_port and userinfo
        and port == default_port(scheme) and s_port is None
    ):
        return (
            "ours keeps the user information when it removes the default port; "
            "twilio-python cuts the host at the first colon, leaving the user name"
        )
    port_changed = {port, s_port} == {None, default_port(scheme)}
    if provider == "signalwire" and not theirs and same_but_port and userinfo and port_changed:
        return (
            "ours keeps the user information when it adds or removes the default port; "
            "the SDK rebuilds that URL without it"
        )
    if (
        provider == "signalwire" and theirs and userinfo and not s_userinfo and port_changed
        and (s_scheme, s_host, s_tail) == (scheme, host, tail)
    ):
        return (
            "the SDK accepts the URL without its user information when it adds or removes "
            "the default port; ours keeps what the app states (state it as the provider signs it)"
        )
    return None


class Twilio:
    name = "twilio"
    header = "X-Twilio-Signature"

    def __init__(self):
        from multidict import MultiDict
        from twilio.request_validator import RequestValidator

        self.multidict = MultiDict
        self.key = TWILIO_KEY
        self.validator = RequestValidator(TWILIO_KEY)
        self.library = f"twilio {version('twilio')}"

    def form(self, body):
        return self.multidict(parse_qsl(body, keep_blank_values=True))

    def sign_form(self, url, body):
        return self.validator.compute_signature(url, self.form(body))

    def sign_url(self, url):
        return self.validator.compute_signature(url, {})

    def sign_hex(self, url, body):
        return None  # Twilio has no hex scheme

    def accepts(self, url, headers, body):
        signature = dict(headers).get(self.header)
        # As an app passes it: the raw body when the URL has bodySHA256,
        # else the parsed form.
        params = body if "bodySHA256=" in url else self.form(body)
        return self.validator.validate(url, params, signature)


class SignalWire:
    name = "signalwire"
    header = "X-SignalWire-Signature"

    def __init__(self):
        from signalwire.core.security import webhook_middleware, webhook_validator

        self.middleware = webhook_middleware
        self.v = webhook_validator
        self.key = SIGNALWIRE_KEY
        self.library = f"signalwire-sdk {version('signalwire-sdk')}"

    def sign_form(self, url, body):
        concat = self.v._sorted_concat_params(self.v._parse_form_body(body))
        return self.v._b64_hmac_sha1(self.key, url + concat)

    def sign_url(self, url):
        return self.v._b64_hmac_sha1(self.key, url)

    def sign_hex(self, url, body):
        return self.v._hex_hmac_sha1(self.key, url + body)

    def accepts(self, url, headers, body):
        lowered = {name.lower(): value for name, value in headers}
        return self.middleware.validate("POST", url, lowered, body, signing_key=self.key) is None


def main():
    which, out = sys.argv[1], sys.argv[2]
    lib = Twilio() if which == "twilio" else SignalWire()
    cases = []
    counter = [0]

    def header(signature):
        # SignalWire's callers may send either header: alternate them.
        counter[0] += 1
        if lib.name == "signalwire" and counter[0] % 3 == 0:
            return [["X-Twilio-Signature", signature]]
        return [[lib.header, signature]]

    def case(name, url, body, headers, *, kind="form", signed=None, expect=None):
        theirs = bool(lib.accepts(url, headers, body))
        if expect is not None and theirs != expect:
            raise SystemExit(f"{lib.library} {name}: the library says {theirs}, the case expects {expect}")
        ours = theirs
        deviation = None
        if kind in ("form", "json-hash") and signed is not None and expect is None:
            ours = signed in ours_candidates(url)
        elif kind == "url-only":
            ours = body == ""
        if ours != theirs:
            deviation = explain(lib.name, url, signed or url, kind, theirs)
            if deviation is None:
                raise SystemExit(
                    f"{lib.library} {name}: the library says {theirs}, ours would say {ours}, "
                    "and no documented choice explains it"
                )
        cases.append(
            {
                "name": name,
                "provider": lib.name,
                "key": lib.key,
                "url": url,
                "headers": headers,
                "body": body,
                "library_accepts": theirs,
                "ours_accepts": ours,
                "deviation": deviation,
            }
        )

    bodies = {name: urlencode(fields) for name, fields in FORMS.items()}
    bodies.update(RAW_FORMS)
    for url in URLS:
        for name, body in bodies.items():
            at = f"{name} at {url}"
            # Signed over each URL the provider might have signed.
            for kind, signed in signed_variants(url).items():
                case(f"{at}, signed {kind}", url, body, header(lib.sign_form(signed, body)), signed=signed)
            good = header(lib.sign_form(url, body))
            # Tampered: a field changed, added, removed; the URL changed.
            case(f"{at}, a value changed", url, body.replace("=", "=X", 1) if "=" in body else body + "X", good, expect=False)
            case(f"{at}, a field added", url, body + "&StatusCallbackEvent=participant-join", good, expect=False)
            # A copy of a field: Twilio's scheme signs each distinct value
            # once, so the library accepts it (and ours with it).
            first = body.strip("&").split("&", 1)[0]
            case(f"{at}, a field repeated", url, body + "&" + first, good)
            if "&" in body.strip("&"):
                case(f"{at}, a field removed", url, body.strip("&").rsplit("&", 1)[0], good, expect=False)
            case(f"{at}, another path", join(*split(url)[:4], "/other" + split(url)[4]), body, good, expect=False)
            # A signature of the URL alone: never over a non-empty body for ours.
            case(f"{at}, URL-only signature", url, body, header(lib.sign_url(url)), kind="url-only")
        # A GET callback: the fields in the query, no body.
        query = url + ("&" if "?" in url else "?") + urlencode(CONFERENCE)
        case(f"GET {url}", query, "", header(lib.sign_url(query)), kind="url-only")
        case(f"GET {url}, the query changed", query.replace("participant-leave", "participant-join"), "",
             header(lib.sign_url(query)), expect=False)
        for name, body in JSON_BODIES.items():
            at = f"{name} at {url}"
            digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
            hashed = url + ("&" if "?" in url else "?") + "bodySHA256=" + digest
            for kind, signed in signed_variants(hashed).items():
                case(f"{at} with bodySHA256, signed {kind}", hashed, body, header(lib.sign_url(signed)),
                     kind="json-hash", signed=signed)
            good = header(lib.sign_url(hashed))
            case(f"{at} with bodySHA256, body changed", hashed, body.replace("}", ' }', 1), good, expect=False)
            case(f"{at} with bodySHA256, body emptied", hashed, "", good, expect=False)
            other = hashlib.sha256(b"{}").hexdigest() if body != "{}" else hashlib.sha256(b"[]").hexdigest()
            case(f"{at} with bodySHA256, hash swapped", hashed.replace(digest, other), body, good, expect=False)
            # Without bodySHA256, a signature of the URL alone covers nothing.
            case(f"{at}, URL-only signature", url, body, header(lib.sign_url(url)), kind="url-only")
            hex_signature = lib.sign_hex(url, body)
            if hex_signature is not None:
                case(f"{at}, hex scheme", url, body, header(hex_signature), expect=True)
                case(f"{at}, hex scheme, body changed", url, body + " ", header(hex_signature), expect=False)
                for kind, signed in signed_variants(url).items():
                    if signed != url:
                        # The hex scheme is checked on the URL as given only, by both.
                        case(f"{at}, hex scheme signed {kind}", url, body, header(lib.sign_hex(signed, body)),
                             expect=False)
                case(f"{at}, hex scheme in upper case", url, body, header(hex_signature.upper()), expect=False)
    if lib.name == "signalwire":
        body, url = bodies["conference"], URLS[0]
        right, wrong = lib.sign_form(url, body), lib.sign_form(url, body + "&x=1")
        case("both headers, the SignalWire one right", url, body,
             [["X-SignalWire-Signature", right], ["X-Twilio-Signature", wrong]], expect=True)
        case("both headers, the SignalWire one wrong", url, body,
             [["X-SignalWire-Signature", wrong], ["X-Twilio-Signature", right]], expect=False)

    with open(out, "w", encoding="utf-8") as f:
        json.dump({"library": lib.library, "cases": cases}, f, ensure_ascii=False, indent=1)
    accepted = sum(c["library_accepts"] for c in cases)
    reasons = {}
    for c in cases:
        if c["deviation"]:
            reasons[c["deviation"]] = reasons.get(c["deviation"], 0) + 1
    print(f"{lib.library}: {len(cases)} cases, {accepted} accepted by the library, "
          f"{sum(reasons.values())} documented deviations")
    for reason, n in sorted(reasons.items()):
        print(f"  {n} x {reason}")


if __name__ == "__main__":
    main()
