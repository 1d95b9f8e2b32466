/** ResourceLocator (IWSManResourceLocator): names one resource for the Session operations. */
import { succeeded, type ComResult } from '../core/hresult';
import { wsmanError } from '../core/errors/wsman-error';
import { expandResourceUri, parseResourceUri, type Selector, XPATH_DIALECT } from '../core/session/resource-uri';
import { ComObject, toBool } from './com-object';
import { changeType } from './dispatch/variant-coercion';
import type { IWSManResourceLocator, VariantValue } from './interfaces';

export interface LocatorOption {
  readonly name: string;
  /** null for a valueless option (winrm.vbs passes Null). */
  readonly value: string | null;
  readonly mustComply: boolean;
}

/** A snapshot of what a locator names, for the operation layer. */
export interface LocatorState {
  readonly resourceUri: string;
  readonly selectors: readonly Selector[];
  readonly options: readonly LocatorOption[];
  readonly mustUnderstandOptions: boolean;
  readonly fragmentPath: string;
  readonly fragmentDialect: string;
}

/** A selector value: VARIANT → BSTR as VariantChangeType does it; Empty names nothing and is refused like Null. */
function variantToString(value: VariantValue): string {
  if (value === undefined) throw wsmanError('DISP_E_TYPEMISMATCH');
  return changeType(value, 'VT_BSTR') as string;
}

export class ResourceLocator extends ComObject implements IWSManResourceLocator {
  readonly implementedInterfaces = ['IWSManResourceLocator'] as const;
  protected readonly errorSource = 'ResourceLocator';
  #resourceUri = '';
  #selectors: Selector[] = [];
  #options: LocatorOption[] = [];
  #mustUnderstandOptions = 0;
  #fragmentPath = '';
  #fragmentDialect = XPATH_DIALECT;

  /** `uri?k=v+k2=v2` as CreateResourceLocator takes it. */
  static fromString(text: string): ResourceLocator {
    const locator = new ResourceLocator();
    const { resourceUri, selectors } = parseResourceUri(text);
    locator.#resourceUri = resourceUri;
    locator.#selectors = selectors;
    return locator;
  }

  put_ResourceURI(uri: string): ComResult<void> {
    return this.run(() => {
      if (typeof uri !== 'string') throw wsmanError('DISP_E_TYPEMISMATCH');
      // "Must contain path only -- query string is not allowed here"
      if (uri.includes('?')) throw wsmanError('ERROR_WSMAN_CLIENT_INVALID_RESOURCE_LOCATOR');
      this.#resourceUri = expandResourceUri(uri);
    });
  }

  get_ResourceURI(): ComResult<string> {
    return succeeded(this.#resourceUri);
  }

  AddSelector(resourceSelName: string, selValue: VariantValue): ComResult<void> {
    return this.run(() => {
      if (typeof resourceSelName !== 'string' || resourceSelName === '') throw wsmanError('E_INVALIDARG');
      this.#selectors.push({ name: resourceSelName, value: variantToString(selValue) });
    });
  }

  ClearSelectors(): ComResult<void> {
    this.#selectors = [];
    return succeeded(undefined);
  }

  get_FragmentPath(): ComResult<string> {
    return succeeded(this.#fragmentPath);
  }

  put_FragmentPath(text: string): ComResult<void> {
    return this.run(() => {
      if (typeof text !== 'string') throw wsmanError('DISP_E_TYPEMISMATCH');
      this.#fragmentPath = text;
    });
  }

  get_FragmentDialect(): ComResult<string> {
    return succeeded(this.#fragmentDialect);
  }

  put_FragmentDialect(text: string): ComResult<void> {
    return this.run(() => {
      if (typeof text !== 'string') throw wsmanError('DISP_E_TYPEMISMATCH');
      this.#fragmentDialect = text;
    });
  }

  AddOption(OptionName: string, OptionValue: VariantValue, mustComply: number | boolean = 0): ComResult<void> {
    return this.run(() => {
      if (typeof OptionName !== 'string' || OptionName === '') throw wsmanError('E_INVALIDARG');
      const value = OptionValue === null || OptionValue === undefined ? null : variantToString(OptionValue);
      this.#options.push({ name: OptionName, value, mustComply: toBool(mustComply) === 1 });
    });
  }

  put_MustUnderstandOptions(mustUnderstand: number | boolean): ComResult<void> {
    this.#mustUnderstandOptions = toBool(mustUnderstand);
    return succeeded(undefined);
  }

  get_MustUnderstandOptions(): ComResult<number> {
    return succeeded(this.#mustUnderstandOptions);
  }

  ClearOptions(): ComResult<void> {
    this.#options = [];
    return succeeded(undefined);
  }

  get_Error(): ComResult<string> {
    return this.lastErrorXml();
  }

  state(): LocatorState {
    return {
      resourceUri: this.#resourceUri,
      selectors: [...this.#selectors],
      options: [...this.#options],
      mustUnderstandOptions: this.#mustUnderstandOptions === 1,
      fragmentPath: this.#fragmentPath,
      fragmentDialect: this.#fragmentDialect,
    };
  }
}
