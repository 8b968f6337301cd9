"""Monthly refresh of the warehouse for a deployment without a scheduler (deploy/compose.yaml):
runs `python -m sse_dash data build` now if no warehouse is published yet, then every month on
day SSE_DASH_REFRESH_DAY (default 3) at SSE_DASH_REFRESH_HOUR o'clock UTC (default 3); a failed
build is retried SSE_DASH_REFRESH_RETRY_HOURS later (default 6). Each build runs in a process
of its own and publishes atomically (sse_dash.warehouse.publish): the app replicas pick the new
version up on their own. Kubernetes uses a CronJob and a host can use cron or a systemd timer
with the same command instead (docs/deploy.md).

    python deploy/refresh.py            # the loop above (the compose `refresh` service)
    python deploy/refresh.py --now      # one build now, then the loop
    python deploy/refresh.py --next     # print when the next build would run, and exit
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def next_run(now: datetime, day: int, hour: int) -> datetime:
    """The first monthly slot (day `day`, `hour`:00 UTC) strictly after `now`."""
    day = min(max(day, 1), 28)  # every month has a 28th
    hour = min(max(hour, 0), 23)
    slot = now.replace(day=day, hour=hour, minute=0, second=0, microsecond=0)
    if slot > now:
        return slot
    year, month = (now.year + 1, 1) if now.month == 12 else (now.year, now.month + 1)
    return slot.replace(year=year, month=month)


def _int_env(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        print(f"{name} invalide : {os.environ[name]!r}, valeur par défaut {default}", flush=True)
        return default


def warehouse_exists() -> bool:
    data_dir = Path(os.environ.get("SSE_DASH_DATA_DIR") or REPO / "data")
    return (data_dir / "sse.duckdb").exists()


def build() -> bool:
    """One `data build` in a child process (memory is returned after each build)."""
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC — construction de l'entrepôt", flush=True)
    code = subprocess.call([sys.executable, "-m", "sse_dash", "data", "build"], cwd=REPO)
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC — terminé (code {code})", flush=True)
    return code == 0


def _sleep_until(when: datetime, stop: list[bool]) -> None:
    while not stop and (left := (when - datetime.now(UTC)).total_seconds()) > 0:
        time.sleep(min(left, 60))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--now", action="store_true", help="construire tout de suite")
    parser.add_argument("--next", action="store_true", help="afficher la prochaine échéance")
    args = parser.parse_args(argv)
    day = _int_env("SSE_DASH_REFRESH_DAY", 3)
    hour = _int_env("SSE_DASH_REFRESH_HOUR", 3)
    retry = timedelta(hours=_int_env("SSE_DASH_REFRESH_RETRY_HOURS", 6))
    if args.next:
        print(next_run(datetime.now(UTC), day, hour).isoformat())
        return 0
    stop: list[bool] = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.append(True))
    due = datetime.now(UTC) if args.now or not warehouse_exists() else None
    while not stop:
        due = due or next_run(datetime.now(UTC), day, hour)
        print(f"Prochaine construction : {due:%Y-%m-%d %H:%M} UTC", flush=True)
        _sleep_until(due, stop)
        if stop:
            break
        ok = build()
        due = None if ok else min(datetime.now(UTC) + retry, next_run(datetime.now(UTC), day, hour))
    return 0


if __name__ == "__main__":
    sys.exit(main())
