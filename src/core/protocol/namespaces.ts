/** Namespace URIs and well-known URIs of WS-Management as Windows uses them (wire.md §1). */

export const NS = {
  soap: 'http://www.w3.org/2003/05/soap-envelope',
  addressing: 'http://schemas.xmlsoap.org/ws/2004/08/addressing',
  wsman: 'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd',
  msWsman: 'http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd',
  enumeration: 'http://schemas.xmlsoap.org/ws/2004/09/enumeration',
  transfer: 'http://schemas.xmlsoap.org/ws/2004/09/transfer',
  eventing: 'http://schemas.xmlsoap.org/ws/2004/08/eventing',
  cimBinding: 'http://schemas.dmtf.org/wbem/wsman/1/cimbinding.xsd',
  shell: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell',
  config: 'http://schemas.microsoft.com/wbem/wsman/1/config',
  identity: 'http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd',
  wsmanFault: 'http://schemas.microsoft.com/wbem/wsman/1/wsmanfault',
  cimCommon: 'http://schemas.dmtf.org/wbem/wscim/1/common',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  xs: 'http://www.w3.org/2001/XMLSchema',
  xml: 'http://www.w3.org/XML/1998/namespace',
  wmiError: 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/MSFT_WmiError',
} as const;

export type NamespaceKey = keyof typeof NS;

/** The prefixes the Windows client and service write (prefixes carry no meaning when reading). */
export const PREFIX: Readonly<Record<NamespaceKey, string>> = {
  soap: 's',
  addressing: 'a',
  wsman: 'w',
  msWsman: 'p',
  enumeration: 'n',
  transfer: 'x',
  eventing: 'e',
  cimBinding: 'b',
  shell: 'rsp',
  config: 'cfg',
  identity: 'wsmid',
  wsmanFault: 'f',
  cimCommon: 'cim',
  xsi: 'xsi',
  xs: 'xs',
  xml: 'xml',
  wmiError: 'p',
};

export const ANONYMOUS_ADDRESS = 'http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous';

export const ACTION = {
  get: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Get',
  put: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Put',
  create: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Create',
  delete: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete',
  enumerate: 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate',
  pull: 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/Pull',
  release: 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/Release',
} as const;

export const FAULT_ACTION = {
  wsman: 'http://schemas.dmtf.org/wbem/wsman/1/wsman/fault',
  addressing: 'http://schemas.xmlsoap.org/ws/2004/08/addressing/fault',
  enumeration: 'http://schemas.xmlsoap.org/ws/2004/09/enumeration/fault',
  transfer: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/fault',
} as const;

/** Authorization value of client-certificate authentication (wire.md §4.3). */
export const MUTUAL_TLS_PROFILE = 'http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/https/mutual';

export const FAULT_DETAIL_PREFIX = 'http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/';

export const DIALECT = {
  wql: 'http://schemas.microsoft.com/wbem/wsman/1/WQL',
  selector: 'http://schemas.dmtf.org/wbem/wsman/1/wsman/SelectorFilter',
  association: 'http://schemas.dmtf.org/wbem/wsman/1/cimbinding/associationFilter',
  xpath: 'http://www.w3.org/TR/1999/REC-xpath-19991116',
} as const;

/** WMI resource URIs: `…/wmi/<namespace path>/<class>`. */
export const WMI_URI_PREFIX = 'http://schemas.microsoft.com/wbem/wsman/1/wmi/';

/** `xmlns:s=… xmlns:a=…` for the given namespace keys, in order. */
export function namespaceDeclarations(keys: readonly NamespaceKey[]): string {
  return keys.map((key) => ` xmlns:${PREFIX[key]}="${NS[key]}"`).join('');
}
