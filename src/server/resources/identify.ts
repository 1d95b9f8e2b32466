/**
 * The IdentifyResponse of a Windows host (wire.md §3.1): OS detail and security profiles only
 * for an authenticated caller; `OS: 0.0.0` for an unauthenticated one.
 */
import { escapeXmlText } from '../../core/errors/fault-xml';
import { NS } from '../../core/protocol/namespaces';

export const SECURITY_PROFILE_PREFIX = 'http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/';

export interface IdentifyFacts {
  readonly osVersion: string;
  readonly authenticated: boolean;
  /** e.g. `https/basic`, `https/mutual` */
  readonly securityProfiles: readonly string[];
}

export function identifyResponseXml(facts: IdentifyFacts): string {
  const os = facts.authenticated ? facts.osVersion : '0.0.0';
  const profiles =
    facts.authenticated && facts.securityProfiles.length > 0
      ? '<wsmid:SecurityProfiles>' +
        facts.securityProfiles
          .map((p) => `<wsmid:SecurityProfileName>${escapeXmlText(SECURITY_PROFILE_PREFIX + p)}</wsmid:SecurityProfileName>`)
          .join('') +
        '</wsmid:SecurityProfiles>'
      : '';
  return (
    `<wsmid:IdentifyResponse xmlns:wsmid="${NS.identity}">` +
    `<wsmid:ProtocolVersion>${NS.wsman}</wsmid:ProtocolVersion>` +
    '<wsmid:ProductVendor>Microsoft Corporation</wsmid:ProductVendor>' +
    `<wsmid:ProductVersion>OS: ${escapeXmlText(os)} SP: 0.0 Stack: 3.0</wsmid:ProductVersion>` +
    profiles +
    '</wsmid:IdentifyResponse>'
  );
}
