/**
 * The endpoint's cost of one Get: `Get Win32_Service?Name=WinRM` over Basic against the embedded
 * endpoint, interleaved with a fixed-reply node:http server answering every POST with that very
 * Get reply, both driven by the same client loop (SessionClient: one keep-alive connection,
 * sequential requests). The ratio is the endpoint's throughput against a server that does no work
 * beyond HTTP. The goal (issue 16) is ≥ 0.5×.
 *
 *   BENCH_SUITE=endpoint-get npm run bench
 *   BENCH_SUITE=endpoint-get node --cpu-prof -r ts-node/register bench/run.ts    (a profile of both sides)
 */
import { startEndpoint } from '../src/server/endpoint';
import { progress, SECONDS, WARMUP_MS } from './config';
import { startBaseline } from './baseline-server';
import { fmtMs, fmtRate, table } from './format';
import { expectStatus, SessionClient } from './http-client';
import { BIG_CLASS, BIG_CLASS_URI } from './instances';
import { basicAuthorization, RequestTemplate } from './soap';
import { ACTION } from '../src/core/protocol/namespaces';
import { measurePaired, type PairedOptions } from './stats';

const USER = 'bench';
const PASSWORD = 'Bench#Pass1';
const REQUESTS: PairedOptions = { warmupOps: 500, warmupMs: WARMUP_MS, durationMs: SECONDS * 1000, sliceMs: 100, baselineSliceMs: 100, minOps: 200 };

export interface EndpointGetResult {
  readonly name: string;
  readonly replyBytes: number;
  readonly endpointGetsPerSecond: number;
  readonly fixedReplyGetsPerSecond: number;
  /** Throughput ratio (means) and the ratio of median latencies. */
  readonly ratio: number;
  readonly ratioP50: number;
  readonly endpointP50Ms: number;
  readonly fixedReplyP50Ms: number;
}

export async function runEndpointGetBench(): Promise<EndpointGetResult> {
  const name = `Get ${BIG_CLASS}?Name=WinRM (Basic)`;
  console.log(`Endpoint ${name} vs a fixed-reply node:http server sending the same reply bytes; ${SECONDS} s, interleaved slices\n`);
  const endpoint = await startEndpoint({ port: 0, users: [`${USER}:${PASSWORD}`], allowUnencrypted: true, machineName: 'BENCH-HOST' });
  const headers = { Authorization: basicAuthorization(USER, PASSWORD) };
  const get = new RequestTemplate(endpoint.url!, BIG_CLASS_URI, ACTION.get, '', [{ name: 'Name', value: 'WinRM' }]);
  const client = new SessionClient(endpoint.url!);
  try {
    const first = await client.post(get.render(), headers);
    expectStatus(first, 200, name);
    if (!first.body.toString('utf8').includes('<p:Name>WinRM</p:Name>')) throw new Error(`${name}: unexpected reply`);
    const fixed = await startBaseline(first.body);
    const fixedClient = new SessionClient(fixed.url);
    try {
      progress(name);
      const { target, baseline } = await measurePaired(
        async () => {
          const reply = await client.post(get.render(), headers);
          if (reply.status !== 200) expectStatus(reply, 200, name);
        },
        async () => {
          const reply = await fixedClient.post(get.render(), headers);
          if (reply.status !== 200) expectStatus(reply, 200, 'fixed reply');
        },
        REQUESTS,
      );
      const result: EndpointGetResult = {
        name,
        replyBytes: first.body.length,
        endpointGetsPerSecond: target.opsPerSecond,
        fixedReplyGetsPerSecond: baseline.opsPerSecond,
        ratio: target.opsPerSecond / baseline.opsPerSecond,
        ratioP50: baseline.p50Ms / target.p50Ms,
        endpointP50Ms: target.p50Ms,
        fixedReplyP50Ms: baseline.p50Ms,
      };
      console.log(
        table(
          ['name', 'Gets/s', 'p50 ms', 'fixed reply Gets/s', 'fixed reply p50 ms', 'ratio', 'ratio (p50)'],
          [[name, fmtRate(result.endpointGetsPerSecond), fmtMs(result.endpointP50Ms), fmtRate(result.fixedReplyGetsPerSecond), fmtMs(result.fixedReplyP50Ms), `${result.ratio.toFixed(2)}×`, `${result.ratioP50.toFixed(2)}×`]],
        ),
      );
      console.log(`Reply: ${result.replyBytes} bytes; ratio = the endpoint's Gets/s ÷ the fixed-reply server's in the same run (goal ≥ 0.5×).`);
      return result;
    } finally {
      fixedClient.close();
      await fixed.close();
    }
  } finally {
    client.close();
    await endpoint.close();
  }
}
