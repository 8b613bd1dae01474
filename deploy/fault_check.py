"""Checks for deploy/fault-test.sh: the database against what clients were told.

Every 201 registration must have exactly one user row and its session; every 200 login its
session; no user of the run may be left without the session it was created with (a
half-written registration); no 5xx but 503; no connection refused (the process stayed up)."""

import collections
import json
import subprocess
import sys


def psql(url, sql):
    out = subprocess.run(["psql", url, "-AtF", "\t", "-c", sql], check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def main():
    results_file, url, prefix, down_at, up_at = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
    results = json.load(open(results_file))
    users = {email: (uid, sessions) for email, uid, sessions in psql(url, f"""
        select u.email, u.id, count(s.id) from users u left join sessions s on s.user_id = u.id
        where u.email like '{prefix}-%' group by u.email, u.id""")}
    sessions = {sid for (sid,) in psql(url, "select id from sessions")}
    rows_per_email = collections.Counter(e for (e,) in psql(url, f"select email from users where email like '{prefix}-%'"))

    problems = []
    by_phase = collections.defaultdict(collections.Counter)
    for r in results:
        phase = "before" if r["t"] < down_at else "down" if r["t"] < up_at + 1 else "after"
        by_phase[phase][f'{r["op"]} {r["status"]}'] += 1
        status = r["status"]
        if isinstance(status, str):
            problems.append(f"{r['op']} got no HTTP answer ({status}): the process did not answer")
        elif status >= 500 and status != 503:
            problems.append(f"{r['op']} answered {status}")
        if r["op"] == "register" and status == 201:
            if r["email"] not in users or users[r["email"]][0] != r["user_id"]:
                problems.append(f"user lost: {r['email']} was told 201")
            if r["sid"] not in sessions:
                problems.append(f"session lost: registration of {r['email']}")
        if r["op"] == "login" and status == 200 and r["sid"] not in sessions:
            problems.append(f"session lost: login of {r['email']}")
    told_created = {r["email"] for r in results if r["op"] == "register" and r["status"] == 201}
    extra = sorted(set(users) - told_created)
    half_written = sorted(e for e, (_, n) in users.items() if int(n) == 0)
    duplicated = sorted(e for e, n in rows_per_email.items() if n > 1)
    problems += [f"user without a session (half-written): {e}" for e in half_written]
    problems += [f"user duplicated: {e}" for e in duplicated]

    for phase in ("before", "down", "after"):
        counts = ", ".join(f"{k}: {v}" for k, v in sorted(by_phase[phase].items()))
        print(f"  {phase:<7} {counts}")
    print(f"  users told 201: {len(told_created)}, user rows: {len(users)}, "
          f"rows whose client got no 201 (committed as the database went away): {len(extra)}")
    print(f"  half-written users: {len(half_written)}, duplicated users: {len(duplicated)}")
    for p in problems[:20]:
        print(f"  PROBLEM {p}")
    if not by_phase["down"].get("register 503") and not any(k.endswith(" 503") for k in by_phase["down"]):
        problems.append("no 503 while the database was down: the outage was not observed")
        print("  PROBLEM no 503 while the database was down")
    if not any(k in by_phase["after"] for k in ("register 201", "login 200")):
        problems.append("no success after the database returned: no recovery")
        print("  PROBLEM no success after the database returned")
    json.dump({"phases": {k: dict(v) for k, v in by_phase.items()}, "told_created": len(told_created),
               "user_rows": len(users), "extra_rows": len(extra), "half_written": len(half_written),
               "duplicated": len(duplicated), "problems": problems}, open(results_file + ".summary.json", "w"), indent=1)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
