/**
 * The channel bindings a TLS listener expects from Negotiate and Kerberos clients: its own
 * certificate's `tls-server-end-point` data, as `Service/Auth/CbtHardeningLevel` asks (None: not
 * checked; Relaxed: checked when sent; Strict: required).
 */
import type { TLSSocket } from 'node:tls';
import { tlsServerEndPoint } from '../../core/transport/auth/channel-bindings';
import type { WinRMConfig } from '../config/winrm-config';
import type { ConnectionInfo } from './server-auth';

export interface ListenerBindings {
  readonly channelBindings?: Buffer;
  readonly requireChannelBindings?: boolean;
}

export function listenerBindings(connection: ConnectionInfo, config: WinRMConfig): ListenerBindings {
  const hardening = config.get('Service/Auth/CbtHardeningLevel').toLowerCase();
  // The listener's own certificate (`raw` DER); Node gives an empty object when there is none.
  const certificate = connection.secure && hardening !== 'none' ? ((connection.socket as TLSSocket).getCertificate() as { raw?: Buffer } | null) : null;
  const raw = certificate?.raw;
  return raw ? { channelBindings: tlsServerEndPoint(raw), requireChannelBindings: hardening === 'strict' } : {};
}
