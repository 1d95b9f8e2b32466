/**
 * krb5.conf as MIT reads it (the profile format: `[section]`, `name = value`, `name = { … }`,
 * `#`/`;` comments), from KRB5_CONFIG (a colon-separated list, first file wins per relation) or
 * /etc/krb5.conf, and what the client needs from it: the default realm, a realm's KDCs, and the
 * realm of a host through [domain_realm].
 */
import { readFileSync } from 'node:fs';

/** A section or subsection: each name maps to its values in file order. */
export interface ProfileNode {
  readonly [name: string]: ReadonlyArray<string | ProfileNode>;
}

export function parseProfile(text: string): Record<string, ProfileNode> {
  const sections: Record<string, Record<string, Array<string | ProfileNode>>> = {};
  let stack: Array<Record<string, Array<string | ProfileNode>>> = [];
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[([^\]]+)\]/.exec(line);
    if (section) {
      const name = section[1]!.trim();
      stack = [(sections[name] ??= {})];
      continue;
    }
    const top = stack[stack.length - 1];
    if (top === undefined) continue; // relations before any section are ignored, as MIT does
    if (line.startsWith('}')) {
      if (stack.length > 1) stack.pop();
      continue;
    }
    const relation = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (!relation) continue;
    const name = relation[1]!.trim();
    const value = relation[2]!.trim();
    if (value === '{' || value.startsWith('{')) {
      const child: Record<string, Array<string | ProfileNode>> = {};
      (top[name] ??= []).push(child);
      stack.push(child);
    } else {
      (top[name] ??= []).push(value.replace(/^"(.*)"$/, '$1'));
    }
  }
  return sections;
}

export interface Krb5Config {
  readonly defaultRealm?: string;
  /** The KDC addresses (`host` or `host:port`) of a realm, in the order listed. */
  kdcs(realm: string): string[];
  /** The realm of a host from [domain_realm] (exact name, then `.suffix` entries), if listed. */
  realmOfHost(host: string): string | undefined;
  /** A [libdefaults] value (first one). */
  libdefault(name: string): string | undefined;
}

function strings(values: ReadonlyArray<string | ProfileNode> | undefined): string[] {
  return (values ?? []).filter((value): value is string => typeof value === 'string');
}

function nodes(values: ReadonlyArray<string | ProfileNode> | undefined): ProfileNode[] {
  return (values ?? []).filter((value): value is ProfileNode => typeof value !== 'string');
}

export function krb5ConfigFrom(profiles: ReadonlyArray<Record<string, ProfileNode>>): Krb5Config {
  const values = (section: string, name: string): ReadonlyArray<string | ProfileNode> => profiles.flatMap((profile) => profile[section]?.[name] ?? []);
  const libdefault = (name: string): string | undefined => strings(values('libdefaults', name))[0];
  const defaultRealm = libdefault('default_realm');
  return {
    ...(defaultRealm !== undefined ? { defaultRealm } : {}),
    libdefault,
    kdcs: (realm) => nodes(values('realms', realm)).flatMap((node) => strings(node.kdc)),
    realmOfHost: (host) => {
      const name = host.toLowerCase();
      const mappings = profiles.map((profile) => profile.domain_realm ?? {});
      for (const mapping of mappings) {
        const exact = strings(mapping[name])[0];
        if (exact !== undefined) return exact;
      }
      // Longest domain suffix first: `.sub.example.com` before `.example.com`.
      for (let dot = name.indexOf('.'); dot >= 0; dot = name.indexOf('.', dot + 1)) {
        const suffix = name.slice(dot);
        for (const mapping of mappings) {
          const realm = strings(mapping[suffix])[0] ?? strings(mapping[suffix.slice(1)])[0];
          if (realm !== undefined) return realm;
        }
      }
      return undefined;
    },
  };
}

/** The files KRB5_CONFIG names (colon-separated), else /etc/krb5.conf; missing files are skipped. */
export function loadKrb5Config(env: NodeJS.ProcessEnv = process.env): Krb5Config {
  const paths = (env.KRB5_CONFIG ?? '/etc/krb5.conf').split(':').filter((path) => path !== '');
  const profiles: Array<Record<string, ProfileNode>> = [];
  for (const path of paths) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    profiles.push(parseProfile(text));
  }
  return krb5ConfigFrom(profiles);
}
