"""A member's side of Janus's public HTTP API, as a browser's janus.js speaks it
(session, handle, join), for tests that check what Janus itself refuses."""

import json
import secrets
import urllib.error
import urllib.request


class Refused(Exception):
    def __init__(self, code, reason):
        super().__init__(f"{code}: {reason}")
        self.code = code


def _post(url, body):
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


class Participant:
    """One session attached to the VideoRoom plugin with ``token``."""

    def __init__(self, url, token):
        self.url, self.token = url, token
        answer = self.call("", {"janus": "create"})
        self.session = answer["data"]["id"]
        self.handle = self.call(
            f"/{self.session}", {"janus": "attach", "plugin": "janus.plugin.videoroom"}
        )["data"]["id"]

    def call(self, path, body):
        answer = _post(
            self.url + path, {"transaction": secrets.token_hex(6), "token": self.token, **body}
        )
        if answer.get("janus") == "error":
            raise Refused(answer["error"]["code"], answer["error"]["reason"])
        return answer

    def events(self, timeout_s=5):
        """The session's pending events (a long poll, as janus.js does)."""
        url = f"{self.url}/{self.session}?maxev=10&token={self.token}"
        try:
            with urllib.request.urlopen(url, timeout=timeout_s + 35) as response:
                answer = json.load(response)
        except urllib.error.HTTPError as error:
            raise Refused(error.code, "long poll refused") from error
        if isinstance(answer, dict):
            if answer.get("janus") == "error":
                raise Refused(answer["error"]["code"], answer["error"]["reason"])
            answer = [answer]
        return answer

    def join(self, room, participant_id, display, room_token=None):
        """Join as a publisher; the plugin's answer (``joined``) or Refused."""
        body = {
            "request": "join",
            "ptype": "publisher",
            "room": room,
            "id": participant_id,
            "display": display,
            "token": room_token or self.token,
        }
        self.call(f"/{self.session}/{self.handle}", {"janus": "message", "body": body})
        for _ in range(5):
            for event in self.events():
                data = event.get("plugindata", {}).get("data", {})
                if data.get("error_code"):
                    raise Refused(data["error_code"], data.get("error"))
                if data.get("videoroom") == "joined":
                    return data
        raise AssertionError("Janus answered neither joined nor an error")

    def keepalive(self):
        return self.call(f"/{self.session}", {"janus": "keepalive"})
