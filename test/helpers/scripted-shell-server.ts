/**
 * A stand-in WinRS server for C API tests: Create answers with shell S1, Command with command C1,
 * a Receive is handed to the test, anything else gets an empty body. Replies echo the MessageID.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const ENVELOPE_OPEN =
  '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" ' +
  'xmlns:x="http://schemas.xmlsoap.org/ws/2004/09/transfer" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" ' +
  'xmlns:rsp="http://schemas.microsoft.com/wbem/wsman/1/windows/shell">';

export interface ScriptedShellServer {
  readonly url: string;
  close(): Promise<void>;
}

/** `onReceive` answers a Receive: `reply(body)` sends the s:Body content, or the test ends the response itself. */
export async function startScriptedShellServer(
  onReceive: (reply: (body: string) => void, response: ServerResponse) => void,
): Promise<ScriptedShellServer> {
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      const id = /<a:MessageID>([^<]+)</.exec(text)![1];
      const reply = (body: string): void => {
        response
          .writeHead(200, { 'Content-Type': 'application/soap+xml;charset=UTF-8' })
          .end(`${ENVELOPE_OPEN}<s:Header><a:RelatesTo>${id}</a:RelatesTo></s:Header><s:Body>${body}</s:Body></s:Envelope>`);
      };
      if (text.includes('transfer/Create<')) {
        reply('<x:ResourceCreated><a:Address>x</a:Address><a:ReferenceParameters><w:SelectorSet><w:Selector Name="ShellId">S1</w:Selector></w:SelectorSet></a:ReferenceParameters></x:ResourceCreated>');
      } else if (text.includes('shell/Command<')) {
        reply('<rsp:CommandResponse><rsp:CommandId>C1</rsp:CommandId></rsp:CommandResponse>');
      } else if (text.includes('shell/Receive<')) {
        onReceive(reply, response);
      } else {
        reply('');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/wsman`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
