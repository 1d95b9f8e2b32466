#!/usr/bin/python3
"""Drive a WinRM endpoint through pywinrm's low-level client (winrm.protocol.Protocol).

Run by test/interop/pywinrm.test.ts with Debian's /usr/bin/python3 (package python3-winrm).

Reads one JSON job on stdin:
  {
    "endpoint": "http://127.0.0.1:5985/wsman",
    "transport": "plaintext" | "ssl",          # pywinrm's Basic over HTTP / Basic over HTTPS
    "user": "alice", "password": "...",
    "ca": "/path/to/ca.pem" | "ignore",        # server certificate validation
    "steps": [ {"op": "identify"}, {"op": "get", ...}, ... ]
  }
and writes one JSON object to stdout: {"pywinrm": <version>, "results": [<one per step>]}.

Every request is built the way pywinrm builds its own (Protocol._get_soap_header plus
xmltodict.unparse) and sent with Protocol.send_message, so the endpoint sees exactly what
pywinrm puts on the wire. A step result is
  {"op", "ok": true, "message_id", "xml"}                       for a reply,
  {"op", "ok": false, "error_class", "error_message", ...}      for an exception;
pywinrm 0.3.0 turns an HTTP 500 with a SOAP fault into WinRMError (message + "extended fault
data"), raised while handling the WinRMTransportError that carries the fault XML, so that XML is
recovered from the exception's __context__ and reported as "fault_xml".
"""
import json
import sys
import uuid
import xml.etree.ElementTree as ET

import xmltodict
import winrm
from winrm.exceptions import WinRMTransportError
from winrm.protocol import Protocol

NS = {
    's': 'http://www.w3.org/2003/05/soap-envelope',
    'n': 'http://schemas.xmlsoap.org/ws/2004/09/enumeration',
    'w': 'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd',
    'wsmid': 'http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd',
}
ACTION_GET = 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Get'
ACTION_ENUMERATE = 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate'
ACTION_PULL = 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/Pull'
ACTION_RELEASE = 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/Release'
MAX_PULLS = 200


def text_of(raw):
    if raw is None:
        return None
    if isinstance(raw, bytes):
        return raw.decode('utf-8', 'replace')
    return str(raw)


def make_protocol(job):
    options = dict(
        endpoint=job['endpoint'],
        transport=job['transport'],
        username=job['user'],
        password=job['password'],
        read_timeout_sec=job.get('read_timeout_sec', 10),
        operation_timeout_sec=job.get('operation_timeout_sec', 5),
    )
    if job.get('ca', 'ignore') == 'ignore':
        options['server_cert_validation'] = 'ignore'
    else:
        options['server_cert_validation'] = 'validate'
        options['ca_trust_path'] = job['ca']
    return Protocol(**options)


def error_result(error):
    result = {
        'ok': False,
        'error_class': type(error).__name__,
        'error_module': type(error).__module__,
        'error_message': str(error),
    }
    transport_error = error if isinstance(error, WinRMTransportError) else error.__context__
    if isinstance(transport_error, WinRMTransportError):
        result['http_status'] = transport_error.code
        result['fault_xml'] = text_of(transport_error.response_text)
    return result


def request(protocol, action, resource_uri, selectors=None, body=None):
    """A pywinrm-built envelope: its own header dict, our SelectorSet and Body."""
    message_id = uuid.uuid4()
    envelope = protocol._get_soap_header(action=action, resource_uri=resource_uri, message_id=message_id)
    if selectors:
        envelope['env:Header']['w:SelectorSet'] = {
            'w:Selector': [{'@Name': name, '#text': value} for name, value in selectors.items()],
        }
    envelope['env:Body'] = body if body is not None else {}
    return 'uuid:{0}'.format(message_id), xmltodict.unparse({'env:Envelope': envelope})


def send(protocol, message_id, xml):
    try:
        reply = protocol.send_message(xml)
    except Exception as error:  # every failure is a result the test asserts on
        result = error_result(error)
        result['message_id'] = message_id
        return result
    if reply is None:
        # pywinrm 0.3.0 returns None when an HTTP error body parses as XML but holds no s:Fault
        return {'ok': False, 'message_id': message_id, 'error_class': 'NoReply', 'error_message': 'send_message returned None'}
    return {'ok': True, 'message_id': message_id, 'xml': text_of(reply)}


def identify(protocol, _step):
    message_id = None
    xml = xmltodict.unparse({
        's:Envelope': {
            '@xmlns:s': NS['s'],
            '@xmlns:wsmid': NS['wsmid'],
            's:Header': None,
            's:Body': {'wsmid:Identify': None},
        },
    })
    return send(protocol, message_id, xml)


def get(protocol, step):
    message_id, xml = request(protocol, ACTION_GET, step['resource_uri'], step.get('selectors'))
    return send(protocol, message_id, xml)


def invoke(protocol, step):
    uri = step['resource_uri']
    method = step['method']
    body = {'p:{0}_INPUT'.format(method): dict({'@xmlns:p': uri}, **step.get('parameters', {}))}
    message_id, xml = request(protocol, '{0}/{1}'.format(uri, method), uri, step.get('selectors'), body)
    return send(protocol, message_id, xml)


def reply_body(xml):
    body = ET.fromstring(xml).find('s:Body', NS)
    return body[0] if body is not None and len(body) else None


def enumerate_all(protocol, step):
    """Enumerate, then Pull until EndOfSequence: the loop every WS-Enumeration client runs."""
    uri = step['resource_uri']
    max_elements = step.get('max_elements')
    enumerate_body = {}
    if step.get('optimize'):
        enumerate_body['w:OptimizeEnumeration'] = None
        if max_elements:
            enumerate_body['w:MaxElements'] = str(max_elements)
    if step.get('filter'):
        enumerate_body['w:Filter'] = {'@Dialect': step['filter']['dialect'], '#text': step['filter']['text']}
    message_id, xml = request(protocol, ACTION_ENUMERATE, uri, step.get('selectors'), {'n:Enumerate': enumerate_body or None})
    first = send(protocol, message_id, xml)
    first['action'] = 'Enumerate'
    messages = [first]
    result = {'ok': False, 'messages': messages}
    if not first['ok']:
        return result

    response = reply_body(first['xml'])
    context = response.findtext('n:EnumerationContext', None, NS)
    done = response.find('w:EndOfSequence', NS) is not None
    release_after = step.get('release_after_pulls')
    pulls = 0
    while not done:
        if release_after is not None and pulls == release_after:
            message_id, xml = request(protocol, ACTION_RELEASE, uri, None, {'n:Release': {'n:EnumerationContext': context}})
            released = send(protocol, message_id, xml)
            released['action'] = 'Release'
            messages.append(released)
            # The context is gone now: one more Pull with it must fault.
            message_id, xml = request(protocol, ACTION_PULL, uri, None, {'n:Pull': {'n:EnumerationContext': context}})
            stale = send(protocol, message_id, xml)
            stale['action'] = 'Pull'
            messages.append(stale)
            result['ok'] = released['ok']
            return result
        if pulls >= MAX_PULLS:
            result['error_message'] = 'no EndOfSequence after {0} pulls'.format(MAX_PULLS)
            return result
        pull_body = {'n:EnumerationContext': context}
        if max_elements:
            pull_body['n:MaxElements'] = str(max_elements)
        message_id, xml = request(protocol, ACTION_PULL, uri, None, {'n:Pull': pull_body})
        pulled = send(protocol, message_id, xml)
        pulled['action'] = 'Pull'
        messages.append(pulled)
        pulls += 1
        if not pulled['ok']:
            return result
        response = reply_body(pulled['xml'])
        context = response.findtext('n:EnumerationContext', None, NS)
        done = response.find('n:EndOfSequence', NS) is not None
    result['ok'] = True
    return result


OPERATIONS = {'identify': identify, 'get': get, 'invoke': invoke, 'enumerate': enumerate_all}


def main():
    job = json.load(sys.stdin)
    protocol = make_protocol(job)
    results = []
    for step in job['steps']:
        try:
            result = OPERATIONS[step['op']](protocol, step)
        except Exception as error:  # a client-side failure is reported, not a crash
            result = error_result(error)
        result['op'] = step['op']
        if 'name' in step:
            result['name'] = step['name']
        results.append(result)
    json.dump({'pywinrm': getattr(winrm, '__version__', None), 'results': results}, sys.stdout)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
