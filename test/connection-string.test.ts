import { endpointUrl, parseConnectionString } from '../src/core/session/connection-string';
import { WSManError } from '../src/core/errors/wsman-error';

function codeOf(text: string): string {
  try {
    parseConnectionString(text);
    return 'ok';
  } catch (error) {
    return (error as WSManError).code;
  }
}

describe('connection strings', () => {
  it.each([
    ['server', undefined, 'server', undefined, 'wsman', 'http://server:5985/wsman'],
    ['http://server', 'http', 'server', undefined, 'wsman', 'http://server:5985/wsman'],
    ['HTTPS://server', 'https', 'server', undefined, 'wsman', 'https://server:5986/wsman'],
    ['https://server.example.com:9999/custom', 'https', 'server.example.com', 9999, 'custom', 'https://server.example.com:9999/custom'],
    ['server:80/', undefined, 'server', 80, 'wsman', 'http://server:80/wsman'],
    ['10.0.0.5:5985', undefined, '10.0.0.5', 5985, 'wsman', 'http://10.0.0.5:5985/wsman'],
    ['https://[E3D7:0000:0000:0000:51F4:9BC8:C0A8:6420]:9999/wsman', 'https', 'E3D7:0000:0000:0000:51F4:9BC8:C0A8:6420', 9999, 'wsman', 'https://[E3D7:0000:0000:0000:51F4:9BC8:C0A8:6420]:9999/wsman'],
    ['[::1]', undefined, '::1', undefined, 'wsman', 'http://[::1]:5985/wsman'],
  ])('%s', (text, transport, host, port, prefix, url) => {
    const parsed = parseConnectionString(text);
    expect([parsed.transport, parsed.host, parsed.port, parsed.prefix, parsed.isLocal]).toEqual([transport, host, port, prefix, false]);
    expect(endpointUrl(parsed, parsed.transport ?? 'http')).toBe(url);
  });

  it('treats the empty connection as the local computer', () => {
    expect(parseConnectionString('').isLocal).toBe(true);
    expect(parseConnectionString(null).isLocal).toBe(true);
  });

  it.each([
    ['ftp://server', 'ERROR_WSMAN_TRANSPORT_NOT_SUPPORTED'],
    ['://server', 'ERROR_WSMAN_TRANSPORT_NOT_SUPPORTED'],
    ['server:0', 'ERROR_WSMAN_PORT_INVALID'],
    ['server:65536', 'ERROR_WSMAN_PORT_INVALID'],
    ['server:http', 'ERROR_WSMAN_PORT_INVALID'],
    ['server:', 'ERROR_WSMAN_PORT_INVALID'],
    ['http://', 'ERROR_WSMAN_CONNECTIONSTR_INVALID'],
    ['http://:5985', 'ERROR_WSMAN_CONNECTIONSTR_INVALID'],
    ['fe80::1', 'ERROR_WSMAN_CONNECTIONSTR_INVALID'],
    ['[fe80::1', 'ERROR_WSMAN_CONNECTIONSTR_INVALID'],
    ['[::1]x', 'ERROR_WSMAN_CONNECTIONSTR_INVALID'],
    ['user@server', 'ERROR_WSMAN_CONNECTIONSTR_INVALID'],
    ['server name', 'ERROR_WSMAN_CONNECTIONSTR_INVALID'],
    ['server/wsman?x=1', 'ERROR_WSMAN_CONNECTIONSTR_INVALID'],
  ])('%s → %s', (text, code) => {
    expect(codeOf(text)).toBe(code);
  });
});
