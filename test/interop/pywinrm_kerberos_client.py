#!/usr/bin/python3
"""Run pywinrm_client.py's steps over Kerberos (requests_kerberos + pykerberos, MIT libgssapi).

Run by test/interop/pywinrm-kerberos.test.ts with Debian's /usr/bin/python3 (python3-winrm,
python3-requests-kerberos, python3-kerberos) under KRB5CCNAME from MIT kinit and KRB5_CONFIG of
the test realm. The job on stdin is pywinrm_client.py's, with "user" (the principal in the
cache), "message_encryption" ("auto" unless given) and "service" (the SPN's service class,
pywinrm's default "HTTP") in place of "password" and "ca".
"""
import os
import sys

from winrm.protocol import Protocol

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pywinrm_client  # noqa: E402  (the steps, result format and main loop are shared)


def kerberos_protocol(job):
    return Protocol(
        endpoint=job['endpoint'],
        transport='kerberos',
        username=job['user'],
        message_encryption=job.get('message_encryption', 'auto'),
        server_cert_validation='ignore',
        service=job.get('service', 'HTTP'),
        read_timeout_sec=job.get('read_timeout_sec', 10),
        operation_timeout_sec=job.get('operation_timeout_sec', 5),
    )


if __name__ == '__main__':
    pywinrm_client.make_protocol = kerberos_protocol
    pywinrm_client.main()
