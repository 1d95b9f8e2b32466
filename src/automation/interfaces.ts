/**
 * The COM interfaces of the WSManAutomation type library, one to one: same member names and
 * casing, methods for methods, `get_X()` / `put_X(v)` for properties (the vtable shape of
 * wsmandisp.h), each returning `{ hr, value }`. Operations that go over the network return a
 * Promise of that result.
 */
import type { ComResult } from '../core/hresult';

/** A VARIANT resource URI: a URI string (with `?k=v+k2=v2` selectors), a ResourceLocator, or EPR XML. */
export type ResourceUriArgument = string | IWSManResourceLocator;

/** A VARIANT scalar as scripts pass it. */
export type VariantValue = string | number | boolean | null | undefined;

/** Every automation object can say which IDL interfaces it implements. */
export interface AutomationObject {
  readonly implementedInterfaces: readonly string[];
}

export interface IWSMan extends AutomationObject {
  CreateSession(connection?: string, flags?: number, connectionOptions?: IWSManConnectionOptions | null): ComResult<IWSManSession>;
  CreateConnectionOptions(): ComResult<IWSManConnectionOptionsEx2>;
  get_CommandLine(): ComResult<string>;
  get_Error(): ComResult<string>;
}

export interface IWSManEx extends IWSMan {
  CreateResourceLocator(strResourceLocator?: string): ComResult<IWSManResourceLocator>;
  SessionFlagUTF8(): ComResult<number>;
  SessionFlagCredUsernamePassword(): ComResult<number>;
  SessionFlagSkipCACheck(): ComResult<number>;
  SessionFlagSkipCNCheck(): ComResult<number>;
  SessionFlagUseDigest(): ComResult<number>;
  SessionFlagUseNegotiate(): ComResult<number>;
  SessionFlagUseBasic(): ComResult<number>;
  SessionFlagUseKerberos(): ComResult<number>;
  SessionFlagNoEncryption(): ComResult<number>;
  SessionFlagEnableSPNServerPort(): ComResult<number>;
  SessionFlagUseNoAuthentication(): ComResult<number>;
  EnumerationFlagNonXmlText(): ComResult<number>;
  EnumerationFlagReturnEPR(): ComResult<number>;
  EnumerationFlagReturnObjectAndEPR(): ComResult<number>;
  GetErrorMessage(errorNumber: number): ComResult<string>;
  EnumerationFlagHierarchyDeep(): ComResult<number>;
  EnumerationFlagHierarchyShallow(): ComResult<number>;
  EnumerationFlagHierarchyDeepBasePropsOnly(): ComResult<number>;
  EnumerationFlagReturnObject(): ComResult<number>;
}

export interface IWSManEx2 extends IWSManEx {
  SessionFlagUseClientCertificate(): ComResult<number>;
}

export interface IWSManEx3 extends IWSManEx2 {
  SessionFlagUTF16(): ComResult<number>;
  SessionFlagUseCredSsp(): ComResult<number>;
  EnumerationFlagAssociationInstance(): ComResult<number>;
  EnumerationFlagAssociatedInstance(): ComResult<number>;
  SessionFlagSkipRevocationCheck(): ComResult<number>;
  SessionFlagAllowNegotiateImplicitCredentials(): ComResult<number>;
  SessionFlagUseSsl(): ComResult<number>;
}

export interface IWSManConnectionOptions extends AutomationObject {
  get_UserName(): ComResult<string>;
  put_UserName(name: string): ComResult<void>;
  /** Write-only: the type library has no getter. */
  put_Password(password: string): ComResult<void>;
}

export interface IWSManConnectionOptionsEx extends IWSManConnectionOptions {
  get_CertificateThumbprint(): ComResult<string>;
  put_CertificateThumbprint(thumbprint: string): ComResult<void>;
}

export interface IWSManConnectionOptionsEx2 extends IWSManConnectionOptionsEx {
  SetProxy(accessType?: number, authenticationMechanism?: number, userName?: string, password?: string): ComResult<void>;
  ProxyIEConfig(): ComResult<number>;
  ProxyWinHttpConfig(): ComResult<number>;
  ProxyAutoDetect(): ComResult<number>;
  ProxyNoProxyServer(): ComResult<number>;
  ProxyAuthenticationUseNegotiate(): ComResult<number>;
  ProxyAuthenticationUseBasic(): ComResult<number>;
  ProxyAuthenticationUseDigest(): ComResult<number>;
}

export interface IWSManSession extends AutomationObject {
  Get(resourceUri: ResourceUriArgument, flags?: number): Promise<ComResult<string>>;
  Put(resourceUri: ResourceUriArgument, resource: string, flags?: number): Promise<ComResult<string>>;
  Create(resourceUri: ResourceUriArgument, resource: string, flags?: number): Promise<ComResult<string>>;
  Delete(resourceUri: ResourceUriArgument, flags?: number): Promise<ComResult<void>>;
  Invoke(actionUri: string, resourceUri: ResourceUriArgument, parameters: string, flags?: number): Promise<ComResult<string>>;
  Enumerate(resourceUri: ResourceUriArgument, filter?: string, dialect?: string, flags?: number): Promise<ComResult<IWSManEnumerator>>;
  Identify(flags?: number): Promise<ComResult<string>>;
  get_Error(): ComResult<string>;
  get_BatchItems(): ComResult<number>;
  put_BatchItems(value: number): ComResult<void>;
  get_Timeout(): ComResult<number>;
  put_Timeout(value: number): ComResult<void>;
}

export interface IWSManEnumerator extends AutomationObject {
  ReadItem(): Promise<ComResult<string>>;
  get_AtEndOfStream(): ComResult<boolean>;
  get_Error(): ComResult<string>;
}

export interface IWSManResourceLocator extends AutomationObject {
  put_ResourceURI(uri: string): ComResult<void>;
  get_ResourceURI(): ComResult<string>;
  AddSelector(resourceSelName: string, selValue: VariantValue): ComResult<void>;
  ClearSelectors(): ComResult<void>;
  get_FragmentPath(): ComResult<string>;
  put_FragmentPath(text: string): ComResult<void>;
  get_FragmentDialect(): ComResult<string>;
  put_FragmentDialect(text: string): ComResult<void>;
  AddOption(OptionName: string, OptionValue: VariantValue, mustComply?: number | boolean): ComResult<void>;
  put_MustUnderstandOptions(mustUnderstand: number | boolean): ComResult<void>;
  get_MustUnderstandOptions(): ComResult<number>;
  ClearOptions(): ComResult<void>;
  get_Error(): ComResult<string>;
}

export interface IWSManInternal extends AutomationObject {
  ConfigSDDL(session: IWSManSession, resourceUri: ResourceUriArgument, flags?: number): Promise<ComResult<string>>;
}
