"""Checks of deploy/test-stack.sh that need more than curl: sign-in load across a restart, and
two backend replicas sharing rate limits and revocations.

  stack_checks.py load BASE SECONDS THREADS OUT    log in from THREADS clients for SECONDS
  stack_checks.py verify BASE OUT                   every session answered 2xx still works
  stack_checks.py limit A B EMAIL MAX               failures on A and B count together
  stack_checks.py revoke A B                        a logout on A is refused on B within 500 ms
"""

import json
import sys
import threading
import time
import uuid

from json_client import call

PASSWORD = "violet-harbour-42"


def register(base, email):
    status, body = call(base, "POST", "/api/auth/register", {"email": email, "password": PASSWORD, "name": "Load"})
    if status != 201:
        raise SystemExit(f"could not register {email}: {status} {body}")


def load(base, seconds, threads, out):
    emails = [f"load-{uuid.uuid4().hex[:10]}@example.com" for _ in range(threads)]
    for email in emails:
        register(base, email)
    answers, lock = [], threading.Lock()

    def client(email):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            status, body = call(base, "POST", "/api/auth/login", {"email": email, "password": PASSWORD})
            token = body.get("access_token") if isinstance(body, dict) and status == 200 else None
            with lock:
                answers.append({"status": status, "token": token})
            if status != 200:
                time.sleep(0.05)

    workers = [threading.Thread(target=client, args=(email,)) for email in emails]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    json.dump(answers, open(out, "w"))
    ok = sum(1 for a in answers if a["status"] == 200)
    others = {}
    for a in answers:
        if a["status"] != 200:
            others[str(a["status"])] = others.get(str(a["status"]), 0) + 1
    print(f"    {len(answers)} logins: {ok} answered 200, others {others or 'none'}")
    return 0 if ok > 0 else 1


def verify(base, out):
    tokens = [a["token"] for a in json.load(open(out)) if a["token"]]
    lost = [t for t in tokens if call(base, "GET", "/api/auth/me", token=t)[0] != 200]
    print(f"    {len(tokens)} sessions answered 200; {len(lost)} of them no longer work")
    return 0 if tokens and not lost else 1


def limit(a, b, email, most):
    register(a, email)
    seen = []
    for attempt in range(most):
        base = (a, b)[attempt % 2]
        seen.append(call(base, "POST", "/api/auth/login", {"email": email, "password": "wrong-" + PASSWORD})[0])
    # The next attempt, even with the right password, on either replica.
    after = [call(base, "POST", "/api/auth/login", {"email": email, "password": PASSWORD})[0] for base in (a, b)]
    print(f"    {most} failures alternating between the replicas: {seen}; then {after}")
    return 0 if all(s == 401 for s in seen) and after == [429, 429] else 1


def revoke(a, b):
    email = f"revoke-{uuid.uuid4().hex[:10]}@example.com"
    register(a, email)
    status, body = call(a, "POST", "/api/auth/login", {"email": email, "password": PASSWORD})
    token = body["access_token"]
    before = call(b, "GET", "/api/auth/me", token=token)[0]
    call(a, "POST", "/api/auth/logout", token=token)
    started = time.monotonic()
    while call(b, "GET", "/api/auth/me", token=token)[0] != 401:
        if time.monotonic() - started > 5:
            print("    the other replica still accepts the session after 5 s")
            return 1
        time.sleep(0.01)
    took = (time.monotonic() - started) * 1000
    print(f"    /me on the other replica: {before} before the logout, 401 after {took:.0f} ms")
    return 0 if before == 200 and took <= 500 else 1


if __name__ == "__main__":
    command, args = sys.argv[1], sys.argv[2:]
    if command == "load":
        sys.exit(load(args[0], float(args[1]), int(args[2]), args[3]))
    if command == "verify":
        sys.exit(verify(args[0], args[1]))
    if command == "limit":
        sys.exit(limit(args[0], args[1], args[2], int(args[3])))
    if command == "revoke":
        sys.exit(revoke(args[0], args[1]))
    sys.exit(f"unknown command {command}")
