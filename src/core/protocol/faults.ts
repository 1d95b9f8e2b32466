/**
 * SOAP faults both ways: the service turns a WSManError into the fault Windows would send
 * (wire.md §5.1, §5.3), the client turns a fault back into an HRESULT, a message and the Error XML.
 */
import { escapeXmlAttribute, escapeXmlText } from '../errors/fault-xml';
import { HRESULT_FACILITY, HRESULT_FROM_WIN32, toUnsigned } from '../hresult';
import type { WSManError } from '../errors/wsman-error';
import { errorNamed } from '../errors/error-table';
import { buildResponseEnvelope } from './envelope';
import { FAULT_ACTION, FAULT_DETAIL_PREFIX, NS, PREFIX, type NamespaceKey } from './namespaces';
import { attribute, child, childElements, isNil, resolveQName, standaloneXml, textContent, type XmlElement } from './xml';

type SoapCode = 'Sender' | 'Receiver' | 'MustUnderstand' | 'VersionMismatch';

interface FaultShape {
  readonly code: SoapCode;
  readonly subcode?: readonly [NamespaceKey, string];
  readonly action: string;
  /** Last segment of a `…/wsman/faultDetail/` URI. */
  readonly detail?: string;
}

const sender = (subcode: readonly [NamespaceKey, string], action: string = FAULT_ACTION.wsman, detail?: string): FaultShape => ({
  code: 'Sender',
  subcode,
  action,
  ...(detail ? { detail } : {}),
});
const receiver = (subcode: readonly [NamespaceKey, string], action: string = FAULT_ACTION.wsman): FaultShape => ({
  code: 'Receiver',
  subcode,
  action,
});

const INVALID_SELECTORS = ['wsman', 'InvalidSelectors'] as const;
const SCHEMA_VALIDATION = ['wsman', 'SchemaValidationError'] as const;
const ENCODING_LIMIT = ['wsman', 'EncodingLimit'] as const;
const QUOTA_LIMIT = ['wsman', 'QuotaLimit'] as const;

/** Subcode, action and detail per error (wire.md §5.3; OMI's table where Windows traffic is silent). */
const FAULT_SHAPES: Readonly<Record<string, FaultShape>> = {
  ERROR_WSMAN_RESOURCE_NOT_FOUND: sender(['addressing', 'DestinationUnreachable'], FAULT_ACTION.addressing),
  ERROR_WSMAN_INVALID_RESOURCE_URI: sender(['addressing', 'DestinationUnreachable'], FAULT_ACTION.addressing, 'InvalidResourceURI'),
  ERROR_WSMAN_INVALID_SELECTORS: sender(INVALID_SELECTORS),
  ERROR_WSMAN_UNEXPECTED_SELECTORS: sender(INVALID_SELECTORS, FAULT_ACTION.wsman, 'UnexpectedSelectors'),
  ERROR_WSMAN_INSUFFCIENT_SELECTORS: sender(INVALID_SELECTORS, FAULT_ACTION.wsman, 'InsufficientSelectors'),
  ERROR_WSMAN_SELECTOR_TYPEMISMATCH: sender(INVALID_SELECTORS, FAULT_ACTION.wsman, 'TypeMismatch'),
  ERROR_WSMAN_INVALID_SELECTOR_VALUE: sender(INVALID_SELECTORS, FAULT_ACTION.wsman, 'InvalidValue'),
  ERROR_WSMAN_AMBIGUOUS_SELECTORS: sender(INVALID_SELECTORS, FAULT_ACTION.wsman, 'AmbiguousSelectors'),
  ERROR_WSMAN_DUPLICATE_SELECTORS: sender(INVALID_SELECTORS, FAULT_ACTION.wsman, 'DuplicateSelectors'),
  ERROR_WSMAN_SCHEMA_VALIDATION_ERROR: sender(SCHEMA_VALIDATION),
  ERROR_WSMAN_INVALID_XML: sender(SCHEMA_VALIDATION),
  ERROR_WSMAN_INVALID_XML_VALUES: sender(SCHEMA_VALIDATION),
  ERROR_WSMAN_INVALID_XML_MISSING_VALUES: sender(SCHEMA_VALIDATION),
  ERROR_WSMAN_INVALID_MESSAGE_INFORMATION_HEADER: sender(['addressing', 'InvalidMessageInformationHeader'], FAULT_ACTION.addressing),
  ERROR_WSMAN_MESSAGE_INFORMATION_HEADER_REQUIRED: sender(['addressing', 'MessageInformationHeaderRequired'], FAULT_ACTION.addressing),
  ERROR_WSMAN_ACTION_NOT_SUPPORTED: sender(['addressing', 'ActionNotSupported'], FAULT_ACTION.addressing),
  ERROR_WSMAN_INVALID_ACTIONURI: sender(['addressing', 'ActionNotSupported'], FAULT_ACTION.addressing),
  ERROR_WSMAN_ENDPOINT_UNAVAILABLE: receiver(['addressing', 'EndpointUnavailable'], FAULT_ACTION.addressing),
  ERROR_WSMAN_SOAP_FAULT_MUST_UNDERSTAND: { code: 'MustUnderstand', action: FAULT_ACTION.wsman },
  ERROR_WSMAN_SOAP_VERSION_MISMATCH: { code: 'VersionMismatch', action: FAULT_ACTION.wsman },
  ERROR_WSMAN_ENUMERATE_CANNOT_PROCESS_FILTER: sender(['enumeration', 'CannotProcessFilter'], FAULT_ACTION.enumeration),
  ERROR_WSMAN_ENUMERATE_INVALID_ENUMERATION_CONTEXT: receiver(['enumeration', 'InvalidEnumerationContext'], FAULT_ACTION.enumeration),
  ERROR_WSMAN_ENUMERATE_TIMED_OUT: receiver(['enumeration', 'TimedOut'], FAULT_ACTION.enumeration),
  ERROR_WSMAN_ENUMERATE_FILTERING_NOT_SUPPORTED: sender(['enumeration', 'FilteringNotSupported'], FAULT_ACTION.enumeration),
  ERROR_WSMAN_ENUMERATE_FILTER_DIALECT_REQUESTED_UNAVAILABLE: sender(
    ['enumeration', 'FilterDialectRequestedUnavailable'],
    FAULT_ACTION.enumeration,
  ),
  ERROR_WSMAN_INVALID_REPRESENTATION: sender(['transfer', 'InvalidRepresentation'], FAULT_ACTION.transfer),
  ERROR_WSMAN_ALREADY_EXISTS: sender(['wsman', 'AlreadyExists']),
  ERROR_WSMAN_CONCURRENCY: sender(['wsman', 'Concurrency']),
  ERROR_WSMAN_ENCODING_LIMIT: sender(ENCODING_LIMIT),
  ERROR_WSMAN_MAX_ENVELOPE_SIZE: sender(ENCODING_LIMIT, FAULT_ACTION.wsman, 'MaxEnvelopeSize'),
  ERROR_WSMAN_MAX_ENVELOPE_SIZE_EXCEEDED: sender(ENCODING_LIMIT, FAULT_ACTION.wsman, 'MaxEnvelopeSize'),
  ERROR_WSMAN_INVALID_OPTIONS: sender(['wsman', 'InvalidOptions']),
  ERROR_WSMAN_INVALID_PARAMETER: sender(['wsman', 'InvalidParameter']),
  ERROR_WSMAN_INVALID_FRAGMENT_PATH: sender(['wsman', 'InvalidParameter']),
  ERROR_WSMAN_INVALID_FRAGMENT_PATH_BLANK: sender(['wsman', 'InvalidParameter']),
  ERROR_WSMAN_FRAGMENT_TRANSFER_NOT_SUPPORTED: sender(['wsman', 'UnsupportedFeature'], FAULT_ACTION.wsman, 'FragmentLevelAccess'),
  ERROR_WSMAN_DEPRECATED_CONFIG_SETTING: sender(['wsman', 'InvalidParameter']),
  ERROR_WSMAN_FRAGMENT_DIALECT_REQUESTED_UNAVAILABLE: sender(['wsman', 'FragmentDialectNotSupported']),
  ERROR_WSMAN_QUOTA_LIMIT: sender(QUOTA_LIMIT),
  ERROR_WSMAN_QUOTA_MAX_OPERATIONS: sender(QUOTA_LIMIT),
  ERROR_WSMAN_QUOTA_USER: sender(QUOTA_LIMIT),
  ERROR_WSMAN_QUOTA_MAX_SHELLS: sender(QUOTA_LIMIT),
  ERROR_WSMAN_QUOTA_MAX_SHELLUSERS: sender(QUOTA_LIMIT),
  // The cmd shell plugin's bad parameter (pypsrp recording test_winrs_fail_poll_process).
  E_INVALIDARG: sender(['wsman', 'InvalidParameter'], FAULT_ACTION.wsman, 'InvalidValue'),
  ERROR_WSMAN_UNSUPPORTED_FEATURE: sender(['wsman', 'UnsupportedFeature']),
  ERROR_WSMAN_POLYMORPHISM_MODE_UNSUPPORTED: sender(['cimBinding', 'PolymorphismModeNotSupported']),
  ERROR_WSMAN_OPERATION_TIMEDOUT: receiver(['wsman', 'TimedOut']),
  E_ACCESSDENIED: sender(['wsman', 'AccessDenied']),
};

const INTERNAL_ERROR: FaultShape = receiver(['wsman', 'InternalError']);

/** Where a provider (WMI, the config store) raised the error, as Windows nests it in f:Message. */
export interface ProviderInfo {
  readonly provider: string;
  readonly path: string;
  /**
   * What f:ProviderFault holds: a whole f:WSManFault (WMI, the shell provider) or only the
   * message text (the cmd shell plugin, pypsrp recording test_winrs_fail_poll_process).
   */
  readonly nesting?: 'fault' | 'message';
  /**
   * The provider writes this failure's Code as the whole HRESULT, not the bare Win32 number (the
   * cmd plugin's failed process start: Code 2147942402, pypsrp recording test_winrs_no_cmd_shell).
   */
  readonly codeAsHResult?: boolean;
}

export interface FaultOptions {
  readonly relatesTo: string;
  /** Machine attribute of f:WSManFault. */
  readonly machine: string;
  readonly provider?: ProviderInfo;
}

/** The WSManFault Code: WinRM codes as the unsigned HRESULT, Win32 failures as the bare Win32 number. */
export function faultCodeOf(hresult: number): number {
  const unsigned = toUnsigned(hresult);
  return HRESULT_FACILITY(unsigned) === 7 ? unsigned & 0xffff : unsigned;
}

function wsmanFaultXml(code: number, machine: string, message: string, declareNamespace: boolean): string {
  return (
    `<f:WSManFault${declareNamespace ? ` xmlns:f="${NS.wsmanFault}"` : ''} Code="${code}" Machine="${escapeXmlAttribute(machine)}">` +
    `<f:Message>${message}</f:Message></f:WSManFault>`
  );
}

export function buildFaultBody(error: WSManError, options: Omit<FaultOptions, 'relatesTo'>): string {
  const shape = FAULT_SHAPES[error.code] ?? INTERNAL_ERROR;
  const code = options.provider?.codeAsHResult ? toUnsigned(error.hresult) : faultCodeOf(error.hresult);
  const message = escapeXmlText(error.message);
  const subcode = shape.subcode ? `<s:Subcode><s:Value>${PREFIX[shape.subcode[0]]}:${shape.subcode[1]}</s:Value></s:Subcode>` : '';
  const inner = options.provider
    ? `<f:ProviderFault provider="${escapeXmlAttribute(options.provider.provider)}" path="${escapeXmlAttribute(options.provider.path)}">` +
      `${options.provider.nesting === 'message' ? `${message} ` : wsmanFaultXml(code, options.machine, message, false)}</f:ProviderFault>`
    : message;
  return (
    `<s:Fault><s:Code><s:Value>s:${shape.code}</s:Value>${subcode}</s:Code>` +
    `<s:Reason><s:Text xml:lang="en-US">${message} </s:Text></s:Reason>` +
    '<s:Detail>' +
    (shape.detail ? `<w:FaultDetail>${FAULT_DETAIL_PREFIX}${shape.detail}</w:FaultDetail>` : '') +
    wsmanFaultXml(code, options.machine, inner, true) +
    '</s:Detail></s:Fault>'
  );
}

/** The whole HTTP 500 body for a failed request. */
export function buildFaultEnvelope(error: WSManError, options: FaultOptions): string {
  const shape = FAULT_SHAPES[error.code] ?? INTERNAL_ERROR;
  return buildResponseEnvelope({
    action: shape.action,
    relatesTo: options.relatesTo,
    bodyXml: buildFaultBody(error, options),
    extraNamespaces: ['eventing', 'enumeration'],
  });
}

export interface ParsedFault {
  /** `Sender`, `Receiver` … (local name of s:Code/s:Value). */
  readonly code: string;
  /** `{namespace}local` of the first subcode, if any. */
  readonly subcode?: { readonly namespace: string; readonly localName: string };
  readonly reason: string;
  /**
   * The failure the detail names: WSManFault/@Code, MSFT_WmiError error_Code (HRESULT_FROM_WIN32
   * for Win32 codes), a CIM_Error's CIMStatusCode where it maps; undefined when the detail has no
   * usable code (then hresultOfFault gives the code of the fault itself).
   */
  readonly hresult: number | undefined;
  /** f:WSManFault's message text (innermost provider message when nested), else the CIM error's Message, else the Reason; may be ''. */
  readonly message: string;
  /** The detail element Session.Error shows: f:WSManFault, or the CIM error (p:MSFT_WmiError, p:CIM_Error) as standalone XML. */
  readonly faultXml: string;
}

/**
 * For a fault without WSManFault or MSFT_WmiError detail (OMI, proxies): the HRESULT of the
 * error whose fault this subcode is, else a server error.
 */
export function hresultOfFault(fault: ParsedFault): number {
  const subcode = fault.subcode;
  if (subcode) {
    for (const [name, shape] of Object.entries(FAULT_SHAPES)) {
      if (shape.subcode && NS[shape.subcode[0]] === subcode.namespace && shape.subcode[1] === subcode.localName) return errorNamed(name).hresult;
    }
  }
  return errorNamed('ERROR_WSMAN_HTTP_STATUS_SERVER_ERROR').hresult;
}

/**
 * f:Message text; when a provider fault is nested inside, the provider's own innermost message
 * (never the text of f:ExtendedError details next to it).
 */
function innermostMessage(message: XmlElement): string {
  const providerFault = child(message, NS.wsmanFault, 'ProviderFault');
  if (!providerFault) return textContent(message).trim();
  const inner = child(providerFault, NS.wsmanFault, 'WSManFault');
  const innerMessage = inner ? child(inner, NS.wsmanFault, 'Message') : undefined;
  return innerMessage ? innermostMessage(innerMessage) : textContent(providerFault).trim();
}

/**
 * A Code/error_Code text as a failure HRESULT (Win32 codes through HRESULT_FROM_WIN32); undefined
 * for what cannot name a failure: no text, not a number (decimal, or 0x… as some servers write it),
 * 0, outside 32 bits, or a success code.
 */
function failureHResult(text: string | undefined): number | undefined {
  const trimmed = text?.trim() ?? '';
  if (!/^(-?\d{1,10}|0[xX][0-9a-fA-F]{1,8})$/.test(trimmed)) return undefined;
  const code = Number(trimmed);
  if (code === 0 || code < -0x80000000 || code > 0xffffffff) return undefined;
  const hresult = code > 0 && code < 0x10000 ? HRESULT_FROM_WIN32(code) : toUnsigned(code);
  return hresult >= 0x80000000 ? hresult : undefined;
}

/**
 * CIMStatusCode (DSP0200) → the WinRM error of the fault the WS-CIM binding (DSP0227) answers it
 * with; codes without a WS-Management counterpart (CIM_ERR_FAILED, SERVER_IS_SHUTTING_DOWN …) map to none.
 */
const CIM_STATUS_ERRORS: Readonly<Record<number, string>> = {
  2: 'E_ACCESSDENIED',
  3: 'ERROR_WSMAN_RESOURCE_NOT_FOUND',
  4: 'ERROR_WSMAN_INVALID_PARAMETER',
  5: 'ERROR_WSMAN_RESOURCE_NOT_FOUND',
  6: 'ERROR_WSMAN_RESOURCE_NOT_FOUND',
  7: 'ERROR_WSMAN_ACTION_NOT_SUPPORTED',
  11: 'ERROR_WSMAN_ALREADY_EXISTS',
  14: 'ERROR_WSMAN_ENUMERATE_FILTER_DIALECT_REQUESTED_UNAVAILABLE',
  15: 'ERROR_WSMAN_ENUMERATE_CANNOT_PROCESS_FILTER',
  16: 'ERROR_WSMAN_ACTION_NOT_SUPPORTED',
  17: 'ERROR_WSMAN_ACTION_NOT_SUPPORTED',
  21: 'ERROR_WSMAN_ENUMERATE_INVALID_ENUMERATION_CONTEXT',
};

/** The cimbinding namespace without its suffix: Windows writes `.xsd`, OMI's detail sometimes `.xml`. */
const CIM_BINDING_BASE = NS.cimBinding.replace(/\.xsd$/, '');

/** A CIM error instance in s:Detail: MSFT_WmiError (Windows) or any class flagged IsCIM_Error / named CIM_Error (OMI). */
function cimErrorIn(detail: XmlElement): XmlElement | undefined {
  return childElements(detail).find(
    (element) =>
      (element.namespace === NS.wmiError && element.localName === 'MSFT_WmiError') ||
      element.localName === 'CIM_Error' ||
      element.attributes.some((a) => a.localName === 'IsCIM_Error' && a.namespace.startsWith(CIM_BINDING_BASE) && a.value.trim() === 'true'),
  );
}

function cimErrorHResult(error: XmlElement): number | undefined {
  const property = (name: string): string | undefined => {
    const element = child(error, error.namespace, name);
    return element && !isNil(element) ? textContent(element) : undefined;
  };
  const direct = failureHResult(property('error_Code'));
  if (direct !== undefined) return direct;
  const status = property('CIMStatusCode')?.trim();
  const name = status !== undefined && /^\d{1,5}$/.test(status) ? CIM_STATUS_ERRORS[Number(status)] : undefined;
  return name ? errorNamed(name).hresult : undefined;
}

/** Reads an s:Fault element as pypsrp and Windows do: WSManFault Code, else MSFT_WmiError, else none. */
export function readFault(fault: XmlElement): ParsedFault {
  const codeElement = child(fault, NS.soap, 'Code');
  const codeValue = codeElement ? child(codeElement, NS.soap, 'Value') : undefined;
  const subcodeElement = codeElement ? child(codeElement, NS.soap, 'Subcode') : undefined;
  const subcodeValue = subcodeElement ? child(subcodeElement, NS.soap, 'Value') : undefined;
  const reasonElement = child(fault, NS.soap, 'Reason');
  const reasonText = reasonElement ? child(reasonElement, NS.soap, 'Text') : undefined;
  const reason = reasonText ? textContent(reasonText).trim() : '';
  const detail = child(fault, NS.soap, 'Detail');
  const wsmanFault = detail ? child(detail, NS.wsmanFault, 'WSManFault') : undefined;
  const cimError = detail && !wsmanFault ? cimErrorIn(detail) : undefined;

  let hresult: number | undefined;
  let message = reason;
  let faultXml = '';
  if (wsmanFault) {
    hresult = failureHResult(attribute(wsmanFault, 'Code'));
    const messageElement = child(wsmanFault, NS.wsmanFault, 'Message');
    const text = messageElement ? innermostMessage(messageElement) : '';
    if (text !== '') message = text;
    faultXml = standaloneXml(wsmanFault);
  } else if (cimError) {
    hresult = cimErrorHResult(cimError);
    const messageElement = child(cimError, cimError.namespace, 'Message');
    if (messageElement && textContent(messageElement).trim() !== '') message = textContent(messageElement).trim();
    faultXml = standaloneXml(cimError);
  }
  return {
    code: codeValue ? resolveQName(codeValue, textContent(codeValue)).localName : '',
    ...(subcodeValue ? { subcode: resolveQName(subcodeValue, textContent(subcodeValue)) } : {}),
    reason,
    hresult,
    message,
    faultXml,
  };
}
