// Child process for the kill -9 test: runs a batch against the simulator URL given in argv and is killed
// mid-run by the parent. Usage: tsx runChild.ts <simBaseURL> <outDir> <runId>
import { createChatClient } from '../../../src/gateway/client';
import { createGateway } from '../../../src/gateway/gateway';
import { runBatch } from '../../../src/runner/runBatch';
import type { EvalItem } from '../../../src/types';

const [baseURL, outDir, runId] = process.argv.slice(2);
const items: EvalItem[] = Array.from({ length: 200 }, (_, i) => ({
  id: `item-${i}`,
  messages: [{ role: 'user', content: `Question ${i}` }],
}));
const arms = (['primary', 'canary'] as const).map((name) => ({
  name,
  baseURL,
  gateway: createGateway({
    client: createChatClient({ baseURL, model: `sim-${name}`, timeoutMs: 5000 }),
    seed: 1,
  }),
  price: { inputPer1M: 1, outputPer1M: 1 },
}));
runBatch({ items, arms, concurrency: 4, outDir, runId, cache: false }).then(
  () => process.stdout.write('finished\n'),
  (e: unknown) => {
    process.stderr.write(String(e));
    process.exitCode = 1;
  },
);
