#!/usr/bin/python3
"""Run commands on a WinRM endpoint through pywinrm's shell API (Debian python3-winrm 0.3.0).

Run by test/interop/winrs-pywinrm.test.ts with Debian's /usr/bin/python3.

Reads one JSON job on stdin:
  {
    "endpoint": "http://127.0.0.1:5985/wsman",
    "transport": "plaintext" | "ntlm",
    "message_encryption": "auto" | "always" | "never",
    "user": "alice", "password": "...",
    "operation_timeout_sec": 20, "read_timeout_sec": 30,
    "steps": [
      {"op": "run_cmd", "command": "echo", "args": ["hi"]},
      {"op": "protocol", "command": "cat", "args": [], "stdin": ["line 1\\n", "line 2\\n"],
       "codepage": 65001, "env": {"K": "V"}, "working_directory": "/tmp"}
    ]
  }
and writes {"results": [...]} with, per step, {"ok": true, "stdout": base64, "stderr": base64,
"status_code": n, ...} or {"ok": false, "error_class", "error_message"}.

"run_cmd" is winrm.Session.run_cmd as a user calls it. "protocol" is the same sequence spelled
out with winrm.protocol.Protocol (open_shell, run_command, get_command_output, cleanup_command,
close_shell); stdin, which pywinrm 0.3.0 has no call for, goes as rsp:Send messages built with
pywinrm's own header code and sent with Protocol.send_message.
"""
import base64
import json
import sys

import xmltodict
import winrm
from winrm.protocol import Protocol


def b64(data):
    return base64.b64encode(data).decode('ascii')


def send_stdin(protocol, shell_id, command_id, text, end):
    req = {'env:Envelope': protocol._get_soap_header(
        resource_uri='http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd',
        action='http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Send',
        shell_id=shell_id)}
    stream = req['env:Envelope'].setdefault('env:Body', {}).setdefault('rsp:Send', {}).setdefault('rsp:Stream', {})
    stream['@Name'] = 'stdin'
    stream['@CommandId'] = command_id
    if end:
        stream['@End'] = 'true'
    stream['#text'] = b64(text.encode('utf-8'))
    protocol.send_message(xmltodict.unparse(req))


def run_step(job, step):
    options = dict(
        transport=job['transport'],
        message_encryption=job.get('message_encryption', 'auto'),
        operation_timeout_sec=job.get('operation_timeout_sec', 20),
        read_timeout_sec=job.get('read_timeout_sec', 30),
    )
    if step['op'] == 'run_cmd':
        session = winrm.Session(job['endpoint'], auth=(job['user'], job['password']), **options)
        response = session.run_cmd(step['command'], step.get('args', []))
        return {'stdout': b64(response.std_out), 'stderr': b64(response.std_err), 'status_code': response.status_code}
    if step['op'] == 'protocol':
        protocol = Protocol(job['endpoint'], username=job['user'], password=job['password'], **options)
        shell_id = protocol.open_shell(
            codepage=step.get('codepage', 437),
            env_vars=step.get('env'),
            working_directory=step.get('working_directory'),
        )
        command_id = protocol.run_command(shell_id, step['command'], step.get('args', []))
        pieces = step.get('stdin')
        if pieces is not None:
            for index, piece in enumerate(pieces):
                send_stdin(protocol, shell_id, command_id, piece, index == len(pieces) - 1)
        stdout, stderr, status_code = protocol.get_command_output(shell_id, command_id)
        protocol.cleanup_command(shell_id, command_id)
        protocol.close_shell(shell_id)
        return {'shell_id': shell_id, 'command_id': command_id, 'stdout': b64(stdout), 'stderr': b64(stderr), 'status_code': status_code}
    raise ValueError('unknown op %r' % step['op'])


def main():
    job = json.load(sys.stdin)
    results = []
    for step in job['steps']:
        try:
            result = run_step(job, step)
            result.update(ok=True, op=step['op'])
        except Exception as error:  # every failure is reported to the test, which judges it
            result = {'ok': False, 'op': step['op'], 'error_class': type(error).__name__, 'error_message': str(error)}
        results.append(result)
    json.dump({'results': results}, sys.stdout)


if __name__ == '__main__':
    main()
