/**
 * The session winrm.vbs's CreateSession builds from the switches: session flags from
 * -authentication, -username/-password, -certificate, -unencrypted, -usessl, -skip*check,
 * -defaultCreds, -spnport and -encoding, ConnectionOptions with credentials or a proxy, then
 * Session.Timeout from -timeout — with winrm's own checks and messages before the object model
 * adds its rules.
 */
import type { ConnectionOptions } from '../../automation/connection-options';
import type { Session } from '../../automation/session';
import type { WSMan } from '../../automation/wsman';
import type { CliIo } from '../io';
import { CliError } from './cli-error';
import { check } from './com-call';
import { promptHidden } from '../prompt';

function assert(condition: boolean, message: string): void {
  if (!condition) throw new CliError(message);
}

/** winrm's ASSERTNAL: a switch that needs a value. */
function valueOf(switches: ReadonlyMap<string, string>, name: string): string {
  const value = switches.get(name) ?? '';
  if (value === '') throw new CliError(`Argument's value is not provided: ${name}`);
  return value;
}

/** Host part of a -remote value, for the password prompt. */
function hostOf(remote: string): string {
  return remote.replace(/^[a-z]+:\/\//i, '').replace(/[/].*$/, '') || 'localhost';
}

export async function createSessionFromSwitches(wsman: WSMan, switches: ReadonlyMap<string, string>, io: CliIo): Promise<Session> {
  const has = (name: string) => switches.has(name);
  const remote = switches.get('remote') ?? '';
  let flags = 0;
  let options: ConnectionOptions | null = null;
  const connectionOptions = () => (options ??= check(wsman.CreateConnectionOptions(), wsman));

  if (has('encoding')) {
    const encoding = valueOf(switches, 'encoding');
    assert(has('remote'), "The '-encoding' option is only valid when used with the '-remote' option");
    if (encoding.toLowerCase() === 'utf-16') flags |= wsman.SessionFlagUTF16().value;
    else if (encoding.toLowerCase() === 'utf-8') flags |= wsman.SessionFlagUTF8().value;
    else throw new CliError('The specified encoding flag is invalid.');
  }
  if (has('unencrypted')) {
    assert(has('remote'), "The '-unencrypted' option is only valid when used with the '-remote' option");
    flags |= wsman.SessionFlagNoEncryption().value;
  }
  if (has('usessl')) {
    assert(has('remote'), "The '-usessl' option is only valid when used with the '-remote' option");
    flags |= wsman.SessionFlagUseSsl().value;
  }

  const auth = has('authentication') ? valueOf(switches, 'authentication').toLowerCase() : '';
  if (has('authentication')) {
    const notWith = (name: string) => assert(!has(name), `The '-${name}' option is not valid for '-auth:${auth}'`);
    const needs = (name: string) => assert(has(name), `The '-${name}' option must be specified for '-auth:${auth}'`);
    switch (auth) {
      case 'none':
        flags |= wsman.SessionFlagUseNoAuthentication().value;
        notWith('certificate');
        notWith('username');
        assert(!has('password'), "The '-password' option is only valid for '-auth:none'");
        break;
      case 'basic':
        needs('username');
        notWith('certificate');
        flags |= wsman.SessionFlagCredUsernamePassword().value | wsman.SessionFlagUseBasic().value;
        break;
      case 'digest':
        needs('username');
        notWith('certificate');
        flags |= wsman.SessionFlagCredUsernamePassword().value | wsman.SessionFlagUseDigest().value;
        break;
      case 'kerberos':
        notWith('certificate');
        flags |= wsman.SessionFlagUseKerberos().value;
        break;
      case 'negotiate':
        notWith('certificate');
        flags |= wsman.SessionFlagUseNegotiate().value;
        break;
      case 'certificate':
        needs('certificate');
        notWith('username');
        notWith('password');
        flags |= wsman.SessionFlagUseClientCertificate().value;
        break;
      case 'credssp':
        needs('username');
        notWith('certificate');
        flags |= wsman.SessionFlagCredUsernamePassword().value | wsman.SessionFlagUseCredSsp().value;
        break;
      default:
        throw new CliError(`The specified '-authentication' flag '${switches.get('authentication')}' has an invalid value.`);
    }
  }

  if (has('username')) {
    assert(!has('certificate'), "The '-certificate' option cannot be used together with '-username'");
    const userName = switches.get('username') ?? '';
    connectionOptions().put_UserName(userName);
    let password = switches.get('password');
    // winrm leaves a missing password to the credential prompt of the Windows client; here a
    // terminal gets a prompt without echo, a pipe or script gets none.
    if (password === undefined && io.stdin.isTTY && io.stderr.isTTY) {
      password = await promptHidden(io, `Enter the password for '${userName}' to connect to '${hostOf(remote)}': `);
    }
    if (password !== undefined) connectionOptions().put_Password(password);
    flags |= wsman.SessionFlagCredUsernamePassword().value;
  }

  if (has('defaultcreds')) {
    assert(!has('username'), "The '-username' option cannot be used together with '-defaultCreds'");
    assert(!has('password'), "The '-password' option cannot be used together with '-defaultCreds'");
    assert(auth === 'negotiate', 'The defaultcreds option is only valid when the authentication mechanism is negotiate');
    flags |= wsman.SessionFlagAllowNegotiateImplicitCredentials().value;
  }

  if (has('certificate')) {
    assert(!has('username'), "The '-username' option cannot be used together with '-certificate'");
    assert(!has('password'), "The '-password' option cannot be used together with '-certificate'");
    connectionOptions().put_CertificateThumbprint(switches.get('certificate') ?? '');
    if (has('authentication')) assert(auth === 'certificate', 'The certificate option is only valid when the authentication mechanism is certificate');
    flags |= wsman.SessionFlagUseClientCertificate().value;
  }

  configureProxy(switches, connectionOptions);

  if (has('skipcacheck')) flags |= wsman.SessionFlagSkipCACheck().value;
  if (has('skipcncheck')) flags |= wsman.SessionFlagSkipCNCheck().value;
  if (has('skiprevocationcheck')) flags |= wsman.SessionFlagSkipRevocationCheck().value;
  if (has('spnport')) {
    if (has('authentication')) {
      assert(auth === 'negotiate' || auth === 'kerberos', 'The spnport option is only valid when the authentication mechanism is negotiate or kerberos');
    }
    flags |= wsman.SessionFlagEnableSPNServerPort().value;
  }

  const session = check(wsman.CreateSession(remote, flags, options), wsman);

  if (has('timeout')) {
    const timeout = valueOf(switches, 'timeout');
    assert(/^\s*[+-]?(\d+\.?\d*|\.\d+)\s*$/.test(timeout), 'Numeric value for -timeout option is expected');
    check(session.put_Timeout(Math.round(Number(timeout))), session);
  }
  return session;
}

const PROXY_ACCESS: Readonly<Record<string, (o: ConnectionOptions) => number>> = {
  ie_settings: (o) => check(o.ProxyIEConfig()),
  winhttp_settings: (o) => check(o.ProxyWinHttpConfig()),
  auto_detect: (o) => check(o.ProxyAutoDetect()),
  no_proxy: (o) => check(o.ProxyNoProxyServer()),
};

const PROXY_AUTH: Readonly<Record<string, (o: ConnectionOptions) => number>> = {
  basic: (o) => check(o.ProxyAuthenticationUseBasic()),
  digest: (o) => check(o.ProxyAuthenticationUseDigest()),
  negotiate: (o) => check(o.ProxyAuthenticationUseNegotiate()),
};

/** -proxyaccess, -proxyauth, -proxyusername, -proxypassword → ConnectionOptions.SetProxy. */
function configureProxy(switches: ReadonlyMap<string, string>, connectionOptions: () => ConnectionOptions): void {
  const has = (name: string) => switches.has(name);
  let accessType = 0;
  let mechanism = 0;
  if (has('proxyaccess')) {
    const value = valueOf(switches, 'proxyaccess');
    const access = PROXY_ACCESS[value.toLowerCase()];
    if (!access) throw new CliError(`The specified '-proxyaccess' field '${value}' has an invalid value.`);
    accessType = access(connectionOptions());
  }
  if (has('proxyauthentication')) {
    const value = valueOf(switches, 'proxyauthentication');
    assert(has('proxyaccess'), "The '-proxyauthentication' option is only valid when used with the '-proxyaccess' option");
    const auth = PROXY_AUTH[value.toLowerCase()];
    if (!auth) throw new CliError(`The specified '-proxyauthentication' flag '${value}' has an invalid value.`);
    mechanism = auth(connectionOptions());
  }
  if (has('proxyusername')) assert(has('proxyauthentication'), "The '-proxyusername' option is only valid when used with the '-proxyauthentication' option");
  if (has('proxypassword')) assert(has('proxyusername'), "The '-proxypassword' option is only valid when used with the '-proxyusername' option");
  if (has('proxyaccess')) {
    const options = connectionOptions();
    check(options.SetProxy(accessType, mechanism, switches.get('proxyusername') ?? '', switches.get('proxypassword') ?? ''));
  }
}
