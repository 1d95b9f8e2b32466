"""MIT's GSS-API (python-gssapi over libgssapi_krb5) as the peer of our Kerberos GSS layer.

argv: "initiate" SERVICE@HOST, or "accept" (keys from KRB5_KTNAME). One JSON command per stdin
line, one JSON answer per stdout line: step (a context token), wrap and unwrap in WinRM's IOV
layout (header, data, padding) as pyspnego's wrap_winrm/unwrap_winrm do.
"""
import base64
import json
import sys

import gssapi
from gssapi.raw import IOV, IOVBufferType, unwrap_iov, wrap_iov


def out(**fields):
    print(json.dumps(fields), flush=True)


def b64(data):
    return base64.b64encode(data).decode() if data is not None else None


flags = gssapi.RequirementFlag
if sys.argv[1] == "initiate":
    context = gssapi.SecurityContext(
        name=gssapi.Name(sys.argv[2], gssapi.NameType.hostbased_service),
        usage="initiate",
        mech=gssapi.MechType.kerberos,
        flags=[flags.mutual_authentication, flags.out_of_sequence_detection, flags.confidentiality, flags.integrity],
    )
    out(token=b64(context.step()))
else:
    context = gssapi.SecurityContext(usage="accept", creds=gssapi.Credentials(usage="accept"))

for line in sys.stdin:
    command = json.loads(line)
    try:
        if command["op"] == "step":
            token = context.step(base64.b64decode(command["token"]))
            peer = str(context.initiator_name) if sys.argv[1] == "accept" else None
            out(token=b64(token), complete=context.complete, peer=peer)
        elif command["op"] == "wrap":
            iov = IOV(IOVBufferType.header, base64.b64decode(command["data"]), IOVBufferType.padding, std_layout=False)
            wrap_iov(context, iov, confidential=True)
            out(header=b64(iov[0].value), sealed=b64(iov[1].value + (iov[2].value or b"")))
        elif command["op"] == "unwrap":
            iov = IOV(
                (IOVBufferType.header, False, base64.b64decode(command["header"])),
                base64.b64decode(command["sealed"]),
                IOVBufferType.data,
                std_layout=False,
            )
            unwrap_iov(context, iov)
            out(data=b64(iov[1].value))
    except gssapi.exceptions.GSSError as error:
        out(error=str(error))
