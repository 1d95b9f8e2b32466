/**
 * The main job: what a legacy script does with WSMan.Automation before it touches the network —
 * flag constants, connection options, sessions with their validation errors and the Error XML,
 * resource locators and error messages — printed readably.
 */
import { createObject } from '../index';
import { formatHResult, toSigned } from '../core/hresult';

export function runDemo(print: (line: string) => void): void {
  const wsman = createObject('WSMan.Automation');
  print('wsman-automation: the WSMan.Automation object model, offline');
  print('');

  const negotiate = wsman.SessionFlagUseNegotiate().value!;
  const credentials = wsman.SessionFlagCredUsernamePassword().value!;
  const basic = wsman.SessionFlagUseBasic().value!;
  const noEncryption = wsman.SessionFlagNoEncryption().value!;
  print(`SessionFlagUseNegotiate = 0x${negotiate.toString(16)}, SessionFlagCredUsernamePassword = 0x${credentials.toString(16)}`);

  const options = wsman.CreateConnectionOptions().value;
  options.put_UserName('EXAMPLE\\operator');
  options.put_Password('not-a-real-password');
  const session = wsman.CreateSession('https://server.example.com:5986/wsman', negotiate | credentials, options);
  print(`CreateSession(https, Negotiate + credentials): hr ${formatHResult(session.hr)}, Timeout ${session.value?.get_Timeout().value} ms, BatchItems ${session.value?.get_BatchItems().value}`);

  const refused = wsman.CreateSession('https://server.example.com', basic | credentials | noEncryption, options);
  print(`CreateSession(https, Basic + NoEncryption): hr ${formatHResult(refused.hr)} (${toSigned(refused.hr)})`);
  print(`  ${refused.error?.description.split('\r\n')[0]}`);
  print(`  WSMan.Error: ${wsman.get_Error().value}`);

  const locator = wsman.CreateResourceLocator('wmicimv2/Win32_Service?Name=Spooler').value!;
  locator.AddOption('WMI_NAMESPACE', null);
  print(`ResourceLocator: ${locator.get_ResourceURI().value} selectors ${JSON.stringify(locator.state().selectors)}`);

  print(`GetErrorMessage(&H80338012): ${wsman.GetErrorMessage(-2144108526).value?.split('\r\n')[0]}`);
}
