"""Load for deploy/fault-test.sh: registrations, logins and reads from several threads for a
fixed time, every answer recorded (status, and the user and session ids of each success), so
that the database can be checked against what clients were told afterwards."""

import base64
import json
import sys
import threading
import time
import uuid

from json_client import call

PASSWORD = "violet-harbour-42"


def sid_of(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sid"]


def request(port, method, path, body=None, token=None):
    return call(f"http://127.0.0.1:{port}", method, path, body, token)


def worker(port, prefix, deadline, results, lock):
    mine = []
    while time.monotonic() < deadline:
        email = f"{prefix}-{uuid.uuid4().hex[:12]}@example.com"
        status, body = request(port, "POST", "/api/auth/register", {"email": email, "password": PASSWORD, "name": "Load"})
        record = {"t": time.time(), "op": "register", "email": email, "status": status}
        if status == 201:
            record.update(user_id=body["user"]["id"], sid=sid_of(body["access_token"]))
            mine.append((email, body["access_token"]))
        with lock:
            results.append(record)
        if mine:
            email, token = mine[len(mine) // 2]
            status, body = request(port, "POST", "/api/auth/login", {"email": email, "password": PASSWORD})
            record = {"t": time.time(), "op": "login", "email": email, "status": status}
            if status == 200:
                record.update(user_id=body["user"]["id"], sid=sid_of(body["access_token"]))
            with lock:
                results.append(record)
            status, _ = request(port, "GET", "/api/auth/me", token=token)
            with lock:
                results.append({"t": time.time(), "op": "me", "email": email, "status": status})


def main():
    port, seconds, threads, prefix, out = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
    deadline = time.monotonic() + seconds
    results, lock = [], threading.Lock()
    pool = [threading.Thread(target=worker, args=(port, prefix, deadline, results, lock)) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    with open(out, "w") as f:
        json.dump(sorted(results, key=lambda r: r["t"]), f)


if __name__ == "__main__":
    main()
