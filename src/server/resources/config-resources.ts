/**
 * `winrm/config` and its children (Get, Put) and `winrm/config/listener` (Get by Address and
 * Transport, Enumerate), answered from the endpoint's own configuration and listeners.
 */
import { inject, injectable } from 'inversify';
import { escapeXmlText } from '../../core/errors/fault-xml';
import { wsmanError } from '../../core/errors/wsman-error';
import { NS } from '../../core/protocol/namespaces';
import { WinRMConfig } from '../config/winrm-config';
import { EndpointState, type ListenerInfo } from '../service/endpoint-state';
import type { WSManRequest } from '../service/wsman-request';
import type { CreatedResource, EnumerationFilter, EnumerationItem, ResourceProvider, StagedChange } from './resource-provider';

const LISTENER_URI = `${NS.config}/listener`;

function listenerSelectors(listener: ListenerInfo): { name: string; value: string }[] {
  return [
    { name: 'Address', value: '*' },
    { name: 'Transport', value: listener.transport },
  ];
}

@injectable()
export class ConfigResources implements ResourceProvider {
  constructor(@inject(EndpointState) private readonly state: EndpointState) {}

  serves(resourceUri: string): boolean {
    return WinRMConfig.resourceSuffix(resourceUri) !== undefined || resourceUri.toLowerCase() === LISTENER_URI.toLowerCase();
  }

  private configSuffix(request: WSManRequest): string {
    const suffix = WinRMConfig.resourceSuffix(request.resourceUri);
    if (suffix === undefined) throw wsmanError('ERROR_WSMAN_ACTION_NOT_SUPPORTED');
    if (request.selectors.length > 0) throw wsmanError('ERROR_WSMAN_INVALID_SELECTORS');
    if (request.fragment) throw wsmanError('ERROR_WSMAN_FRAGMENT_TRANSFER_NOT_SUPPORTED');
    return suffix;
  }

  get(request: WSManRequest): string {
    if (request.resourceUri.toLowerCase() === LISTENER_URI.toLowerCase()) return this.listenerXml(this.findListener(request));
    return this.state.config.render(this.configSuffix(request));
  }

  put(request: WSManRequest): StagedChange {
    const suffix = this.configSuffix(request);
    const next = this.state.config.withPut(suffix, request.body);
    return {
      body: next.render(suffix),
      commit: () => {
        this.state.saveConfig(next);
        this.state.config.adopt(next);
      },
    };
  }

  create(): CreatedResource {
    // Listeners are the endpoint's own sockets; they are not created over the wire here.
    throw wsmanError('ERROR_WSMAN_ACTION_NOT_SUPPORTED');
  }

  delete(): void {
    throw wsmanError('ERROR_WSMAN_ACTION_NOT_SUPPORTED');
  }

  enumerate(request: WSManRequest, filter: EnumerationFilter): EnumerationItem[] {
    if (request.resourceUri.toLowerCase() !== LISTENER_URI.toLowerCase()) throw wsmanError('ERROR_WSMAN_ACTION_NOT_SUPPORTED');
    if (filter.kind !== 'none') throw wsmanError('ERROR_WSMAN_ENUMERATE_FILTERING_NOT_SUPPORTED');
    return this.state.listeners.map((listener) => ({
      xml: () => this.listenerXml(listener),
      reference: { resourceUri: LISTENER_URI, selectors: listenerSelectors(listener) },
    }));
  }

  invoke(): string {
    throw wsmanError('ERROR_WSMAN_ACTION_NOT_SUPPORTED');
  }

  private findListener(request: WSManRequest): ListenerInfo {
    const address = request.selectors.find((s) => s.name.toLowerCase() === 'address');
    const transport = request.selectors.find((s) => s.name.toLowerCase() === 'transport');
    if (!address || !transport || request.selectors.length !== 2) throw wsmanError('ERROR_WSMAN_INVALID_SELECTORS');
    const listener = this.state.listeners.find(
      (l) => l.transport.toLowerCase() === transport.value.toLowerCase() && address.value === '*',
    );
    if (!listener) throw wsmanError('ERROR_WSMAN_RESOURCE_NOT_FOUND');
    return listener;
  }

  /** `<cfg:Listener>` as `winrm enumerate winrm/config/listener` shows it. */
  private listenerXml(listener: ListenerInfo): string {
    const value = (name: string, text: string): string => `<cfg:${name}>${escapeXmlText(text)}</cfg:${name}>`;
    return (
      `<cfg:Listener xmlns:cfg="${NS.config}" xml:lang="en-US">` +
      value('Address', '*') +
      value('Transport', listener.transport) +
      value('Port', String(listener.port)) +
      value('Hostname', '') +
      value('Enabled', 'true') +
      value('URLPrefix', this.state.config.get('Client/URLPrefix')) +
      value('CertificateThumbprint', listener.certificateThumbprint ?? '') +
      value('ListeningOn', listener.address) +
      '</cfg:Listener>'
    );
  }
}
