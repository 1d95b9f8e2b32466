/** The README's main job (`npm start` → `wsman demo`): it must really talk to the endpoint. */
import { runDemo } from '../../src/cli/demo';

describe('wsman demo', () => {
  it('identifies, reads config, enumerates, invokes and shows a fault', async () => {
    const lines: string[] = [];
    await runDemo((line) => lines.push(line));
    const text = lines.join('\n');
    expect(text).toMatch(/Identify: Microsoft Corporation, OS: 10\.0\.20348 SP: 0\.0 Stack: 3\.0/);
    expect(text).toMatch(/winrm\/config: MaxEnvelopeSizekb 500, MaxTimeoutms 60000, MaxBatchItems 32000/);
    expect(text).toMatch(/Win32_Service: \d+ services/);
    expect(text).toMatch(/WinRM|Spooler/);
    expect(text).toMatch(/Win32_Process: \d+ processes/);
    expect(text).toContain('Invoke StopService Spooler: ReturnValue 0, State now Stopped');
    expect(text).toContain('Invoke StartService Spooler: ReturnValue 0, State now Running');
    expect(text).toContain('Invoke StartService Spooler again: ReturnValue 10');
    expect(text).toContain('Error number -2144108544 0x80338000');
    expect(text).toMatch(/Session\.Error: <f:WSManFault [^>]*Code="2150858752" Machine="WIN-DEMO">/);
    expect(text).not.toContain('Demo#Passw0rd');
  });
});
