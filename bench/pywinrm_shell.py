#!/usr/bin/python3
"""pywinrm's shell client against a WinRM endpoint (bench/shell.ts runs this).

Run with Debian's /usr/bin/python3 (package python3-winrm). One winrm.protocol.Protocol
(transport='plaintext': Basic over HTTP, one requests.Session keeping its connection).

Reads one JSON job line on stdin:
  {"endpoint": "http://127.0.0.1:5985/wsman", "user": "bench", "password": "...",
   "stream_command": "head -c {bytes} /dev/zero", "roundtrip_command": "echo hi"}
prints {"ready": true, "pywinrm": version, "python": version}, then answers each line:
  stream <bytes>   one shell, the stream command, every Receive until Done (the output counted
                   and dropped, as _raw_get_command_output hands it over), the command cleaned up
                   and the shell closed; prints {"bytes": n, "ms": t, "peak_rss_kb": k}
  roundtrips <ms>  open_shell + run_command + get_command_output + cleanup_command + close_shell
                   in a loop for at least that long; prints {"latencies": [ms, ...]}
  quit
"""
import json
import resource
import sys
import time

from winrm.protocol import Protocol


def main():
    job = json.loads(sys.stdin.readline())
    protocol = Protocol(job['endpoint'], transport='plaintext', username=job['user'], password=job['password'])
    clock = time.perf_counter

    def stream(size):
        start = clock()
        shell = protocol.open_shell(codepage=65001)
        command = protocol.run_command(shell, job['stream_command'].replace('{bytes}', str(size)))
        received = 0
        done = False
        while not done:
            out, err, code, done = protocol._raw_get_command_output(shell, command)
            received += len(out) + len(err)
        protocol.cleanup_command(shell, command)
        protocol.close_shell(shell)
        if code != 0:
            raise RuntimeError('the stream command exited with {0}'.format(code))
        return {'bytes': received, 'ms': (clock() - start) * 1000.0,
                'peak_rss_kb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}

    def roundtrip():
        shell = protocol.open_shell(codepage=65001)
        command = protocol.run_command(shell, job['roundtrip_command'])
        out, err, code = protocol.get_command_output(shell, command)
        protocol.cleanup_command(shell, command)
        protocol.close_shell(shell)
        if code != 0 or out.strip() != b'hi':
            raise RuntimeError('unexpected output {0!r} / {1}'.format(out, code))

    def roundtrips(ms):
        latencies = []
        end = clock() + ms / 1000.0
        while True:
            before = clock()
            roundtrip()
            now = clock()
            latencies.append((now - before) * 1000.0)
            if now >= end:
                break
        return {'latencies': latencies}

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
        if words[0] == 'stream' and len(words) == 2:
            print(json.dumps(stream(int(words[1]))), flush=True)
        elif words[0] == 'roundtrips' and len(words) == 2:
            print(json.dumps(roundtrips(float(words[1]))), flush=True)
        else:
            raise SystemExit('unknown command: {0!r}'.format(line))


if __name__ == '__main__':
    main()
