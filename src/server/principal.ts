/** Who a request runs as, once the HTTP layer has authenticated it. */
export interface Principal {
  readonly userName: string;
  /** Scheme that proved the identity; 'Anonymous' only for unauthenticated Identify. */
  readonly scheme: 'Basic' | 'Certificate' | 'Negotiate' | 'Kerberos' | 'Anonymous';
}

export const ANONYMOUS: Principal = { userName: '', scheme: 'Anonymous' };
