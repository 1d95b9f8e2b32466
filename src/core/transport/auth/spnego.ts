/**
 * SPNEGO tokens (RFC 4178 §4.2) in DER: the initiator's NegTokenInit inside the GSS-API
 * InitialContextToken framing (RFC 2743 §3.1), and NegTokenResp both ways. Raw NTLM tokens, which
 * Windows also accepts under `Negotiate`, are told apart by their `NTLMSSP\0` signature.
 */
import {
  application,
  applicationTag,
  contextTag,
  decodeOid,
  enumerated,
  explicit,
  octetString,
  oid,
  readChildren,
  readElement,
  sequence,
  Tag,
  type DerElement,
} from '../../asn1/der';
import { WSManError } from '../../errors/wsman-error';
import { securityError } from './security-errors';

export const SPNEGO_OID = '1.3.6.1.5.5.2';
export const NTLMSSP_OID = '1.3.6.1.4.1.311.2.2.10';

export const NegState = {
  ACCEPT_COMPLETED: 0,
  ACCEPT_INCOMPLETE: 1,
  REJECT: 2,
  REQUEST_MIC: 3,
} as const;
export type NegState = (typeof NegState)[keyof typeof NegState];

export interface NegTokenInit {
  readonly mechTypes: readonly string[];
  readonly mechToken?: Buffer;
  readonly mechListMic?: Buffer;
}

export interface NegTokenResp {
  readonly negState?: NegState;
  readonly supportedMech?: string;
  readonly responseToken?: Buffer;
  readonly mechListMic?: Buffer;
}

export type SpnegoToken =
  /** `mechTypesDer`: the MechTypeList exactly as received, which a mechListMIC signs. */
  | ({ readonly kind: 'init'; readonly mechTypesDer: Buffer } & NegTokenInit)
  | ({ readonly kind: 'resp' } & NegTokenResp);

const GSS_INITIAL_CONTEXT_TOKEN = 0;
const NEG_TOKEN_INIT = 0;
const NEG_TOKEN_RESP = 1;

/** MechTypeList (SEQUENCE OF OID): what the mechListMIC is computed over. */
export function encodeMechTypes(mechTypes: readonly string[]): Buffer {
  return sequence(...mechTypes.map(oid));
}

/** Explicitly tagged optional fields, in tag order, skipping the absent ones. */
function fields(entries: readonly (readonly [number, Buffer | undefined])[]): Buffer[] {
  return entries.filter((entry): entry is readonly [number, Buffer] => entry[1] !== undefined).map(([tag, value]) => explicit(tag, value));
}

/** InitialContextToken: [APPLICATION 0] { SPNEGO OID, [0] NegTokenInit }. */
export function encodeNegTokenInit(token: NegTokenInit): Buffer {
  const negTokenInit = sequence(
    ...fields([
      [0, encodeMechTypes(token.mechTypes)],
      [2, token.mechToken && octetString(token.mechToken)],
      [3, token.mechListMic && octetString(token.mechListMic)],
    ]),
  );
  return application(GSS_INITIAL_CONTEXT_TOKEN, Buffer.concat([oid(SPNEGO_OID), explicit(NEG_TOKEN_INIT, negTokenInit)]));
}

/** [1] NegTokenResp. */
export function encodeNegTokenResp(token: NegTokenResp): Buffer {
  return explicit(
    NEG_TOKEN_RESP,
    sequence(
      ...fields([
        [0, token.negState === undefined ? undefined : enumerated(token.negState)],
        [1, token.supportedMech === undefined ? undefined : oid(token.supportedMech)],
        [2, token.responseToken && octetString(token.responseToken)],
        [3, token.mechListMic && octetString(token.mechListMic)],
      ]),
    ),
  );
}

function invalid(detail: string): Error {
  return securityError('SEC_E_INVALID_TOKEN', `malformed SPNEGO token: ${detail}`);
}

/** The single element inside an explicit [n] wrapper, checked to be of the expected universal type. */
function inner(field: DerElement | undefined, tag: number, name: string): DerElement | undefined {
  if (field === undefined) return undefined;
  const element = readElement(field.content);
  if (element.tag !== tag || element.encoded.length !== field.content.length) throw invalid(`${name} has the wrong type`);
  return element;
}

/** The [n]-tagged children of a SEQUENCE, by tag number. */
function taggedFields(element: DerElement, name: string): Map<number, DerElement> {
  if (element.tag !== Tag.SEQUENCE) throw invalid(`${name} is not a SEQUENCE`);
  const byTag = new Map<number, DerElement>();
  for (const child of readChildren(element.content)) {
    const number = child.tag - contextTag(0);
    if (number < 0 || number > 30 || byTag.has(number)) throw invalid(`${name} has an unexpected field`);
    byTag.set(number, child);
  }
  return byTag;
}

function decodeInit(framed: DerElement): SpnegoToken {
  const [mech, body, ...rest] = readChildren(framed.content);
  if (mech?.tag !== Tag.OID || decodeOid(mech.content) !== SPNEGO_OID) throw invalid('the GSS-API token is not SPNEGO');
  if (body?.tag !== contextTag(NEG_TOKEN_INIT) || rest.length > 0) throw invalid('no NegTokenInit');
  const byTag = taggedFields(readElement(body.content), 'NegTokenInit');
  const mechTypesDer = inner(byTag.get(0), Tag.SEQUENCE, 'mechTypes');
  if (!mechTypesDer) throw invalid('NegTokenInit has no mechTypes');
  const mechTypes = readChildren(mechTypesDer.content).map((element) => {
    if (element.tag !== Tag.OID) throw invalid('mechTypes holds a non-OID');
    return decodeOid(element.content);
  });
  const mechToken = inner(byTag.get(2), Tag.OCTET_STRING, 'mechToken')?.content;
  const mechListMic = inner(byTag.get(3), Tag.OCTET_STRING, 'mechListMIC')?.content;
  return { kind: 'init', mechTypes, mechTypesDer: mechTypesDer.encoded, ...(mechToken ? { mechToken } : {}), ...(mechListMic ? { mechListMic } : {}) };
}

function decodeResp(framed: DerElement): SpnegoToken {
  const byTag = taggedFields(readElement(framed.content), 'NegTokenResp');
  const state = inner(byTag.get(0), Tag.ENUMERATED, 'negState');
  const mech = inner(byTag.get(1), Tag.OID, 'supportedMech');
  const responseToken = inner(byTag.get(2), Tag.OCTET_STRING, 'responseToken')?.content;
  const mechListMic = inner(byTag.get(3), Tag.OCTET_STRING, 'mechListMIC')?.content;
  let negState: NegState | undefined;
  if (state) {
    const value = state.content.length === 1 ? state.content[0]! : -1;
    if (value < NegState.ACCEPT_COMPLETED || value > NegState.REQUEST_MIC) throw invalid('unknown negState');
    negState = value as NegState;
  }
  return {
    kind: 'resp',
    ...(negState !== undefined ? { negState } : {}),
    ...(mech ? { supportedMech: decodeOid(mech.content) } : {}),
    ...(responseToken ? { responseToken } : {}),
    ...(mechListMic ? { mechListMic } : {}),
  };
}

function decodeFramed(token: Buffer): SpnegoToken {
  const framed = readElement(token);
  if (framed.encoded.length !== token.length) throw invalid('trailing bytes');
  if (framed.tag === applicationTag(GSS_INITIAL_CONTEXT_TOKEN)) return decodeInit(framed);
  if (framed.tag === contextTag(NEG_TOKEN_RESP)) return decodeResp(framed);
  throw invalid('neither NegTokenInit nor NegTokenResp');
}

/** A SPNEGO token; throws SEC_E_INVALID_TOKEN for anything else (callers check for raw NTLM first). */
export function decodeSpnego(token: Buffer): SpnegoToken {
  try {
    return decodeFramed(token);
  } catch (error) {
    // The DER reader's own errors (truncation, bad lengths) become the same SSPI error.
    throw error instanceof WSManError ? error : invalid(error instanceof Error ? error.message : 'unreadable DER');
  }
}
