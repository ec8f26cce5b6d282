/**
 * Writes the small sample production logs in datasets/logs/ (seeded: the same files every time), in the
 * shapes the rollout playbook's router writes:
 * - routing.jsonl: routing metrics `{ userId, model, latency, success, timestamp, routedTo, tier }` of a
 *   percentage rollout at 25% — the router's rule `cyrb53(userId) % 100 < 25` (src/routing/bucket.ts),
 *   sticky per user, timestamps `Date.now()` style epoch ms;
 * - shadow.jsonl: shadow results `{ model, prompt, latency, tokens, timestamp, valid }` of the 5% of
 *   requests copied to the canary, the primary's result and the canary's copy of each (paired by prompt),
 *   prompts the first 100 characters of GSM8K test questions, timestamps ISO strings;
 * - malformed.jsonl: a few valid lines and one malformed line per kind of mistake, for the import tests.
 * Latencies are lognormal from the playbook's P50/P95 table (GPT-4.1 1,200/2,800 ms; Claude Sonnet 4.5
 * 1,500/3,200 ms).
 *
 *   npx tsx scripts/make-sample-logs.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { routeToCanary } from '../src/routing/bucket';
import { createRng, type Rng } from '../src/stats/random';

const OUT = join(__dirname, '..', 'datasets', 'logs');
const PRIMARY = { model: 'gpt-4.1', p50: 1200, p95: 2800, success: 0.997, valid: 0.998 };
const CANARY = { model: 'claude-sonnet-4-5', p50: 1500, p95: 3200, success: 0.996, valid: 0.995 };
const START = Date.UTC(2025, 5, 2, 0, 0, 0);
const DAY = 86_400_000;
const TIERS = ['free', 'free', 'free', 'free', 'free', 'free', 'pro', 'pro', 'premium', 'beta_tester'];

const lognormal = (rng: Rng, p50: number, p95: number) =>
  Math.round(Math.exp(Math.log(p50) + ((Math.log(p95) - Math.log(p50)) / 1.6448536269514722) * rng.normal()));

function routing(): string[] {
  const rng = createRng(20250602);
  const lines: Array<{ t: number; line: string }> = [];
  for (let u = 0; u < 1200; u++) {
    const userId = `u-${(u * 7919 + 13).toString(36)}`;
    const tier = TIERS[rng.int(TIERS.length)];
    const canary = routeToCanary(userId, { percentage: 25 });
    const arm = canary ? CANARY : PRIMARY;
    const requests = 1 + rng.int(4);
    for (let k = 0; k < requests; k++) {
      const latency = lognormal(rng, arm.p50, arm.p95);
      const t = START + Math.floor(rng.next() * DAY);
      const success = rng.next() < arm.success;
      lines.push({
        t,
        line: JSON.stringify({
          userId,
          model: arm.model,
          latency,
          success,
          timestamp: t,
          routedTo: canary ? 'canary' : 'primary',
          tier,
        }),
      });
    }
  }
  return lines.sort((a, b) => a.t - b.t).map((l) => l.line);
}

function shadow(): string[] {
  const rng = createRng(20250601);
  const questions = readFileSync(join(__dirname, '..', 'datasets', 'gsm8k', 'test.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => (JSON.parse(l) as { question: string }).question);
  const lines: string[] = [];
  let t = START - DAY;
  for (let r = 0; r < 8000; r++) {
    t += 1 + rng.int(20_000);
    if (!(rng.next() < 0.05)) continue; // the playbook's shadowRatio = 0.05
    const prompt = questions[rng.int(questions.length)].substring(0, 100);
    const promptTokens = Math.ceil(prompt.length / 4) + 40;
    for (const arm of [PRIMARY, CANARY]) {
      const latency = lognormal(rng, arm.p50, arm.p95);
      const valid = rng.next() < arm.valid;
      lines.push(
        JSON.stringify({
          model: arm.model,
          prompt,
          latency,
          tokens: valid ? promptTokens + 80 + rng.int(180) : 0,
          timestamp: new Date(t + latency).toISOString(),
          valid,
        }),
      );
    }
  }
  return lines;
}

function malformed(): string[] {
  const ts = START + 3_600_000;
  const ok = (userId: string, routedTo: 'primary' | 'canary', latency: number) =>
    JSON.stringify({
      userId,
      model: routedTo === 'canary' ? CANARY.model : PRIMARY.model,
      latency,
      success: true,
      timestamp: ts + latency,
      routedTo,
    });
  return [
    ok('u-1', 'primary', 1100), // 1
    ok('u-2', 'canary', 1650), // 2
    '{"userId":"u-3","model":"gpt-4.1","latency":"fast","success":true,"timestamp":1748826000000}', // 3 latency
    '{"userId":"u-4","model":"gpt-4.1","latency":900,"success":true,"timestamp":1748826000000', // 4 truncated JSON
    ok('u-5', 'primary', 1320), // 5
    '', // 6 blank: ignored
    '{"userId":"u-6","latency":1200,"success":true,"timestamp":1748826000000,"routedTo":"primary"}', // 7 model
    '{"userId":"u-7","model":"claude-sonnet-4-5","latency":1400,"success":"yes","timestamp":1748826000000,"routedTo":"canary"}', // 8 success
    '{"model":"claude-sonnet-4-5","prompt":"Janet’s ducks lay 16 eggs per day.","latency":1500,"tokens":212,"timestamp":"yesterday","valid":true}', // 9 timestamp
    '{"model":"claude-sonnet-4-5","prompt":"Janet’s ducks lay 16 eggs per day.","latency":1500,"tokens":212.5,"timestamp":"2025-06-02T01:00:00.000Z","valid":true}', // 10 tokens
    '[1, 2, 3]', // 11 not an object
    '{"userId":"u-8","model":"gpt-4.1","latency":1000,"success":false,"timestamp":1748826000000,"routedTo":"both"}', // 12 routedTo
    '{"event":"deploy","at":"2025-06-02T01:00:00Z"}', // 13 neither shape
    ok('u-9', 'canary', 1710), // 14
    JSON.stringify({
      model: CANARY.model,
      prompt: 'Janet’s ducks lay 16 eggs per day.',
      latency: 1480,
      tokens: 0,
      timestamp: '2025-06-02T01:00:01.480Z',
      valid: false,
    }), // 15 valid shadow line (an invalid response, correctly logged)
  ];
}

const write = (name: string, lines: string[]) => {
  writeFileSync(join(OUT, name), `${lines.join('\n')}\n`);
  console.log(`wrote datasets/logs/${name}: ${lines.length} lines`);
};
write('routing.jsonl', routing());
write('shadow.jsonl', shadow());
write('malformed.jsonl', malformed());
