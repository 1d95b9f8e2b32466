/** What the service knows about the host it emulates and how it is reachable. */
import type { WinRMConfig } from '../config/winrm-config';

export interface ListenerInfo {
  readonly transport: 'HTTP' | 'HTTPS';
  readonly address: string;
  readonly port: number;
  readonly certificateThumbprint?: string;
}

export interface EndpointState {
  /** Reported in f:WSManFault/@Machine and in the CIM store. */
  readonly machineName: string;
  /** `10.0.20348` style, for Identify. */
  readonly osVersion: string;
  readonly config: WinRMConfig;
  /** A keytab gives the endpoint Kerberos service keys. */
  readonly kerberos?: boolean;
  /** Filled in once the listeners are bound (ports may be chosen by the OS). */
  readonly listeners: ListenerInfo[];
  /** Makes a changed configuration durable (a data directory) before it goes live; throws when it cannot. */
  saveConfig(config: WinRMConfig): void;
}

export const EndpointState = Symbol.for('wsman-automation.server.EndpointState');
