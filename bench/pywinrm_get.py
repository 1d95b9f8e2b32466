#!/usr/bin/python3
"""Time pywinrm's Get round trip against a WinRM endpoint (bench/client.ts runs this).

Run with Debian's /usr/bin/python3 (package python3-winrm). One winrm.protocol.Protocol
(transport='plaintext', i.e. Basic over HTTP, one requests.Session with a keep-alive connection)
sends the Get envelope the benchmark hands over -- the very bytes this project's client sends --
through Protocol.send_message, with a fresh upper-case MessageID per call (uuid4), as the
project's client does. Each timed operation is: build the envelope string, send_message, check
that the reply holds the expected text.

Reads one JSON job line on stdin:
  {"endpoint": "http://127.0.0.1:5985/wsman", "user": "alice", "password": "...",
   "head": "<s:Envelope ...<a:MessageID>", "tail": "</a:MessageID>...</s:Envelope>",
   "expect": "<p:Name>WinRM</p:Name>", "warmup_seconds": 0.3,
   "seconds": 2}                          # optional, see below
With "seconds": warm up, run the loop that long, print one JSON line
  {"ops": N, "seconds": S, "latencies": [ms, ...]}
and exit. Without it: warm up, print {"ready": true, ...}, then answer each stdin line
"slice <ms>" with such a JSON line for a loop of at least that many milliseconds (at least one
operation), until "quit" or end of input -- so the benchmark can interleave pywinrm's slices with
its own client's, while only one of them runs at a time.
"""
import json
import sys
import time
import uuid

from winrm.protocol import Protocol


def main():
    job = json.loads(sys.stdin.readline())
    protocol = Protocol(job['endpoint'], transport='plaintext', username=job['user'], password=job['password'])
    head = job['head']
    tail = job['tail']
    expect = job['expect'].encode('utf-8')
    clock = time.perf_counter

    def get():
        xml = head + 'uuid:' + str(uuid.uuid4()).upper() + tail
        reply = protocol.send_message(xml)
        if reply is None or expect not in reply:
            raise RuntimeError('unexpected reply: {0!r}'.format(reply[:400] if reply else reply))

    def run(seconds):
        latencies = []
        start = now = clock()
        end = start + seconds
        while True:
            before = now
            get()
            now = clock()
            latencies.append((now - before) * 1000.0)
            if now >= end:
                break
        return {'ops': len(latencies), 'seconds': now - start, 'latencies': latencies}

    run(job.get('warmup_seconds', 0.3))
    if 'seconds' in job:
        print(json.dumps(run(float(job['seconds']))), flush=True)
        return
    import winrm
    version = getattr(winrm, '__version__', None)
    if version is None:
        try:
            from importlib.metadata import version as dist_version
            version = dist_version('pywinrm')
        except Exception:  # the version is informational only
            version = 'unknown'
    print(json.dumps({'ready': True, 'pywinrm': version, 'python': sys.version.split()[0]}), flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == 'quit':
            break
        if words[0] != 'slice' or len(words) != 2:
            raise SystemExit('unknown command: {0!r}'.format(line))
        print(json.dumps(run(float(words[1]) / 1000.0)), flush=True)


if __name__ == '__main__':
    main()
