/**
 * `wsman serve`: run the embedded WinRM endpoint until SIGINT/SIGTERM.
 *   --host H  --port N  --https  --https-port N  --cert FILE --key FILE
 *   --user NAME:PASSWORD (repeatable)  --user-file FILE  --allow-unencrypted  --data DIR
 *   --client-ca FILE  --map-cert SUBJECT=USER[@ISSUER_THUMBPRINT]  --machine NAME
 *   --cim-schema FILE  --cim-instances DIR  --keytab FILE  --realm REALM  --help
 * Accounts also come from $WSMAN_SERVE_USERS, so that no password need show in `ps`.
 */
import { readFileSync } from 'node:fs';
import { parseUser, startEndpoint, type EndpointOptions, type RunningEndpoint } from '../server/endpoint';
import type { CertificateMapping } from '../server/tls/certificate-mapping';

export const SERVE_USAGE =
  'usage: wsman serve [--host H] [--port N] [--https] [--https-port N] [--cert FILE --key FILE]\n' +
  '                   [--user NAME:PASSWORD]... [--user-file FILE]... [--allow-unencrypted] [--data DIR]\n' +
  '                   [--client-ca FILE] [--map-cert SUBJECT=USER[@ISSUER_THUMBPRINT]]...\n' +
  '                   [--machine NAME] [--cim-schema FILE] [--cim-instances DIR]\n' +
  '                   [--keytab FILE [--realm REALM]] [--help]';

/** Environment variable with accounts, one NAME:PASSWORD per line, like a --user-file. */
export const USERS_VARIABLE = 'WSMAN_SERVE_USERS';

export const SERVE_HELP =
  `${SERVE_USAGE}\n\n` +
  'Accounts (local users for Negotiate/NTLM and Basic) come from --user NAME:PASSWORD, from\n' +
  '--user-file FILE (one NAME:PASSWORD per line; empty lines and lines starting with # are skipped)\n' +
  `and from the environment variable ${USERS_VARIABLE} (the same format). A password given with\n` +
  `--user is visible to every local user in \`ps\`; a file readable only by you, or ${USERS_VARIABLE},\n` +
  'keeps it out of the process list.';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function portOf(text: string | undefined, flag: string): number {
  const port = Number(text);
  if (text === undefined || !Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${flag} needs a port number 0-65535`);
  return port;
}

/** `SUBJECT=USER` or `SUBJECT=USER@THUMBPRINT` (the subject is a UPN, a CN or '*'). */
function parseMapping(text: string | undefined): CertificateMapping {
  const match = text === undefined ? null : /^([^=]+)=([^@]+)(?:@([0-9A-Fa-f: ]+))?$/.exec(text);
  if (!match) throw new Error('--map-cert needs SUBJECT=USER[@ISSUER_THUMBPRINT]');
  return { subject: match[1], userName: match[2], ...(match[3] ? { issuerThumbprint: match[3] } : {}) };
}

/**
 * NAME:PASSWORD lines (a --user-file or $WSMAN_SERVE_USERS). A malformed line is named by its
 * number only: its text may hold a password.
 */
function parseUserLines(text: string, source: string): string[] {
  const users: string[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    try {
      parseUser(line);
    } catch {
      throw new Error(`line ${index + 1} of ${source} is not NAME:PASSWORD`);
    }
    users.push(line);
  });
  return users;
}

function readUserFile(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`--user-file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parseUserLines(text, file);
}

export function parseServeArguments(args: readonly string[], environment: NodeJS.ProcessEnv = process.env): EndpointOptions {
  const options: Mutable<EndpointOptions> = {};
  const fromEnvironment = environment[USERS_VARIABLE];
  const users: string[] = fromEnvironment ? parseUserLines(fromEnvironment, USERS_VARIABLE) : [];
  const mappings: CertificateMapping[] = [];
  const authorities: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    const value = (): string => {
      const next = args[++i];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case '--host': options.host = value(); break;
      case '--port': options.port = portOf(value(), flag); break;
      case '--https': options.https = true; break;
      case '--https-port': options.httpsPort = portOf(value(), flag); break;
      case '--cert': options.certFile = value(); break;
      case '--key': options.keyFile = value(); break;
      case '--user': {
        const text = value();
        parseUser(text);
        users.push(text);
        break;
      }
      case '--user-file': users.push(...readUserFile(value())); break;
      case '--allow-unencrypted': options.allowUnencrypted = true; break;
      case '--data': options.dataDir = value(); break;
      case '--client-ca': authorities.push(readFileSync(value(), 'utf8')); break;
      case '--map-cert': mappings.push(parseMapping(value())); break;
      case '--machine': options.machineName = value(); break;
      case '--cim-schema': options.cimSchemaFile = value(); break;
      case '--cim-instances': options.cimInstancesDir = value(); break;
      case '--keytab': options.keytab = value(); break;
      case '--realm': options.realm = value(); break;
      default: throw new Error(`unknown option ${flag}`);
    }
  }
  if (users.length > 0) options.users = users;
  if (mappings.length > 0) options.certificateMappings = mappings;
  if (authorities.length > 0) options.clientCertificateAuthorities = authorities;
  if (options.realm !== undefined && options.keytab === undefined) throw new Error('--realm needs --keytab');
  return options;
}

export async function serve(args: readonly string[], print: (line: string) => void): Promise<number> {
  if (args.some((a) => a === '--help' || a === '-h' || a === '-?')) {
    print(SERVE_HELP);
    return 0;
  }
  let options: EndpointOptions;
  try {
    options = parseServeArguments(args);
  } catch (error) {
    print(`${(error as Error).message}\n${SERVE_USAGE}`);
    return 2;
  }
  let endpoint: RunningEndpoint;
  try {
    endpoint = await startEndpoint(options);
  } catch (error) {
    print(`cannot start the endpoint: ${(error as Error).message}`);
    return 1;
  }
  if (endpoint.url) print(`WinRM endpoint listening on ${endpoint.url}`);
  if (endpoint.httpsUrl) print(`WinRM endpoint listening on ${endpoint.httpsUrl} (certificate thumbprint ${endpoint.certificateThumbprint})`);
  if (!options.users?.length) print(`warning: no --user, --user-file or ${USERS_VARIABLE} given; every authenticated request will be refused`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await endpoint.close();
  print('WinRM endpoint stopped');
  return 0;
}
