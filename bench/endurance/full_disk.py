#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A full disk under the state directory (issue 12 item 5): the daemon stays up, says so clearly
in its log, and what fails and what goes on.

The state directory is a small tmpfs (in a mount namespace of the run's own) filled to the last
byte with a file of zeros. Two cases:
1. a first start on a full disk: nothing is in the state directory yet, so the generated HTTPS
   and DTLS certificates cannot be stored;
2. the disk fills while the daemon runs and one presenter presents: then SIGHUP (a reload re-reads
   the certificates), and a second presenter starts a new session.
For each: is the daemon up, does the status API answer, do presenters get on screen, and the
log lines at warning level or worse.

Run as root from the repository with the daemon built:
    nice -n 10 /usr/bin/python3 bench/endurance/full_disk.py
"""
import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import endurance_box as eb  # noqa: E402


def small_disk(directory, name):
    path = os.path.join(directory, name)
    os.makedirs(path)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", path], check=True)
    return path


def fill(path):
    """Writes zeros until the file system refuses more (ENOSPC)."""
    subprocess.run(["dd", "if=/dev/zero", f"of={os.path.join(path, 'filler')}", "bs=4k"], capture_output=True)
    free = os.statvfs(path)
    return free.f_bavail * free.f_frsize


def complaints(box):
    return box.log_lines(r"^<[0-4]>")  # syslog priorities emerg..warning


def present(box, name, count=1):
    with open(os.path.join(box.directory, name + ".log"), "w") as log:
        try:
            sender = eb.start_presenter(box, log, 60, count=count)
        except RuntimeError as error:
            return None, str(error)
    return sender, "live, pictures decoded"


def first_start(binary, directory):
    state = small_disk(directory, "full-at-start")
    free = fill(state)
    print(f"case 1, first start on a full disk ({free} bytes free):", flush=True)
    try:
        box = eb.Box(binary, os.path.join(directory, "case1"), {"daemon": {"state_directory": state}},
                     certificate_from_server=True)
    except RuntimeError:
        log = os.path.join(directory, "case1", "presentd.log")
        print("  presentd did not start; log:\n    " + "\n    ".join(open(log).read().splitlines()[-5:]))
        return
    sender, what = present(box, "sender")
    print(f"  daemon up: {box.alive()}; presenter: {what}")
    served = box.served_certificate()
    box.process.send_signal(signal.SIGHUP)
    eb.wait_until(lambda: box.log_lines("configuration reloaded"), 10)
    box.answers()  # trust the certificate it serves now
    print(f"  after SIGHUP: daemon up {box.alive()}, presenters {box.presenters()}, "
          f"the HTTPS certificate {'changed' if box.served_certificate() != served else 'is the same'}")
    print("  log lines at warning or worse:\n    " + "\n    ".join(complaints(box)))
    if sender:
        eb.stop_process(sender)
    print(f"  presentd exit code {box.stop()}")


def fills_while_running(binary, directory):
    state = small_disk(directory, "fills-later")
    box = eb.Box(binary, os.path.join(directory, "case2"), {"daemon": {"state_directory": state}})
    print("case 2, the disk fills while one presenter presents:", flush=True)
    first, what = present(box, "sender1")
    print(f"  first presenter before the disk is full: {what}")
    free = fill(state)
    before = len(complaints(box))
    box.process.send_signal(signal.SIGHUP)
    time.sleep(2)
    print(f"  disk filled ({free} bytes free), SIGHUP sent: daemon up {box.alive()}, presenters {box.presenters()}")
    second, what = present(box, "sender2", count=2)
    print(f"  second presenter on the full disk: {what}; presenters {box.presenters()}")
    print("  log lines at warning or worse since the disk filled:\n    " + "\n    ".join(complaints(box)[before:]))
    for sender in (first, second):
        if sender:
            eb.stop_process(sender)
    print(f"  daemon up at the end: {box.alive()}; presentd exit code {box.stop()}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    eb.binary_argument(parser)
    args = parser.parse_args()
    eb.enter_namespace(mounts=True)
    directory = tempfile.mkdtemp(prefix="endurance-disk-")
    first_start(args.binary, directory)
    fills_while_running(args.binary, directory)
    print(f"logs in {directory}")


if __name__ == "__main__":
    main()
