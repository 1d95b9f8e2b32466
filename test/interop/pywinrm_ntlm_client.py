#!/usr/bin/python3
"""Run pywinrm_client.py's steps over NTLM (requests_ntlm + ntlm-auth) with message encryption.

Run by test/interop/pywinrm-ntlm.test.ts with Debian's /usr/bin/python3 (python3-winrm,
python3-requests-ntlm, python3-ntlm-auth). The job on stdin is pywinrm_client.py's, with
"message_encryption" ("always" unless given) in place of "transport" and "ca": the Protocol is
built with transport='ntlm' against a plain-HTTP endpoint, so every request after the NTLM
handshake travels as an MS-WSMV multipart/encrypted body.
"""
import os
import sys

from winrm.protocol import Protocol

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pywinrm_client  # noqa: E402  (the steps, result format and main loop are shared)


def ntlm_protocol(job):
    return Protocol(
        endpoint=job['endpoint'],
        transport='ntlm',
        username=job['user'],
        password=job['password'],
        message_encryption=job.get('message_encryption', 'always'),
        read_timeout_sec=job.get('read_timeout_sec', 10),
        operation_timeout_sec=job.get('operation_timeout_sec', 5),
    )


if __name__ == '__main__':
    pywinrm_client.make_protocol = ntlm_protocol
    pywinrm_client.main()
