/**
 * The endpoint feature: one container per running endpoint, since every endpoint has its own
 * configuration, accounts and CIM store.
 */
import { Container, ContainerModule } from 'inversify';
import { BasicAuthScheme } from './auth/basic-auth';
import { CertificateAuthScheme, CertificateMappings } from './auth/certificate-auth';
import { EndpointKerberos, KerberosAuthScheme, KerberosServiceKeys } from './auth/kerberos-auth';
import { NegotiateAuthScheme } from './auth/negotiate-auth';
import { EndpointUsers, ServerAuthScheme, type EndpointUser } from './auth/server-auth';
import { CimStore } from './cim/cim-store';
import { ConnectionBudget } from './http/connection-budget';
import { HttpFront } from './http/http-front';
import { ConfigResources } from './resources/config-resources';
import { ResourceProvider } from './resources/resource-provider';
import { ShellResources } from './resources/shell-resources';
import { WmiResources } from './resources/wmi-resources';
import { EndpointState } from './service/endpoint-state';
import { EnumerationContexts } from './service/enumeration-contexts';
import { WSManService } from './service/wsman-service';
import { ShellRegistry } from './shell/shell-registry';
import type { CertificateMapping } from './tls/certificate-mapping';

export interface EndpointBindings {
  readonly state: EndpointState;
  readonly users: readonly EndpointUser[];
  readonly certificateMappings: readonly CertificateMapping[];
  readonly cimStore: CimStore;
  readonly connectionBudget: ConnectionBudget;
  /** Kerberos service keys (`--keytab`); none by default. */
  readonly kerberos?: KerberosServiceKeys;
}

export function endpointModule(bindings: EndpointBindings): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(EndpointState).toConstantValue(bindings.state);
    bind(EndpointUsers).toConstantValue(bindings.users);
    bind(CertificateMappings).toConstantValue(bindings.certificateMappings);
    bind(CimStore).toConstantValue(bindings.cimStore);
    bind(ConnectionBudget).toConstantValue(bindings.connectionBudget);
    bind(KerberosServiceKeys).toConstantValue(bindings.kerberos ?? { keytab: [] });
    bind(EndpointKerberos).toSelf().inSingletonScope();
    bind(ResourceProvider).to(ConfigResources).inSingletonScope();
    bind(ResourceProvider).to(WmiResources).inSingletonScope();
    bind(ResourceProvider).to(ShellResources).inSingletonScope();
    bind(ShellRegistry).toSelf().inSingletonScope();
    // Binding order is the order of the WWW-Authenticate offers: Negotiate, (Kerberos,) then Basic, as Windows lists them.
    bind(ServerAuthScheme).to(NegotiateAuthScheme).inSingletonScope();
    bind(ServerAuthScheme).to(KerberosAuthScheme).inSingletonScope();
    bind(ServerAuthScheme).to(BasicAuthScheme).inSingletonScope();
    bind(ServerAuthScheme).to(CertificateAuthScheme).inSingletonScope();
    bind(EnumerationContexts).toConstantValue(new EnumerationContexts());
    bind(WSManService).toSelf().inSingletonScope();
    bind(HttpFront).toSelf().inSingletonScope();
  });
}

export function createEndpointContainer(bindings: EndpointBindings): Container {
  const container = new Container();
  container.load(endpointModule(bindings));
  return container;
}
