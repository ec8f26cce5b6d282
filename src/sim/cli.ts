/**
 * `canarylab sim --config <file> [--port N] [--host H] [--seed S]`: runs the simulator until SIGINT/SIGTERM
 * (or the given signal aborts). The config file is JSON or YAML (SimConfigInput); relative trace and answer
 * paths in it are resolved against the config file's directory.
 */
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../input/schemaErrors';
import { readSettingsFile } from '../input/yamlSource';
import { SimConfigError, type SimConfigInput } from './config';
import { startSimulator } from './server';

export interface SimCommandIo {
  stdout?: { write(s: string): unknown };
  stderr?: { write(s: string): unknown };
  /** Stops the server (instead of waiting for SIGINT/SIGTERM); used by tests and embedding. */
  signal?: AbortSignal;
  /** Called once listening, with the base URL clients should use. */
  onListening?: (info: { url: string; baseURL: string; port: number }) => void;
}

const USAGE = 'usage: canarylab sim [--config <file.json|yaml>] [--port <n>] [--host <addr>] [--seed <n>]\n';

/** Reads a simulator config file (JSON or YAML); relative paths inside resolve against its directory. */
export async function readSimConfigFile(path: string): Promise<SimConfigInput> {
  let cfg: Record<string, unknown>;
  try {
    // The one settings reader (input/yamlSource.ts): a syntax error names the line and column.
    cfg = (await readSettingsFile(path, 'models, host, port, seed, …')).value;
  } catch (e) {
    if (e instanceof ConfigError) throw new SimConfigError(e.issues.map((i) => `--config: ${path}: ${i}`));
    throw e;
  }
  const dir = dirname(resolve(path));
  return {
    ...cfg,
    baseDir: typeof cfg.baseDir === 'string' ? resolve(dir, cfg.baseDir) : dir,
  } as SimConfigInput;
}

/**
 * Runs the `sim` command. Resolves with the exit code: 0 after a clean stop, 2 on bad arguments or config.
 *
 * @example
 * process.exitCode = await runSimCommand(process.argv.slice(3));
 */
export async function runSimCommand(argv: readonly string[], io: SimCommandIo = {}): Promise<number> {
  const out = io.stdout ?? process.stdout;
  const err = io.stderr ?? process.stderr;
  let values: { config?: string; port?: string; host?: string; seed?: string; help?: boolean };
  try {
    values = parseArgs({
      args: [...argv],
      options: {
        config: { type: 'string', short: 'c' },
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    err.write(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    out.write(USAGE);
    return 0;
  }
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  try {
    const cfg: SimConfigInput = values.config ? await readSimConfigFile(values.config) : {};
    const num = (name: string, v: string | undefined): number | undefined => {
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isFinite(n))
        throw new SimConfigError([`--${name}: must be a number, got ${JSON.stringify(v)}`]);
      return n;
    };
    const port = num('port', values.port);
    const seed = num('seed', values.seed);
    if (port !== undefined) cfg.port = port;
    if (seed !== undefined) cfg.seed = seed;
    if (values.host !== undefined) cfg.host = values.host;
    sim = await startSimulator(cfg);
  } catch (e) {
    if (e instanceof SimConfigError) {
      err.write(`canarylab sim: ${e.message}\n`);
      return 2;
    }
    err.write(`canarylab sim: ${(e as Error).message}\n`);
    return 1;
  }
  const models = Object.keys(sim.stats().byModel).join(', ');
  out.write(`canarylab sim listening on ${sim.baseURL} (models: ${models})\n`);
  io.onListening?.({ url: sim.url, baseURL: sim.baseURL, port: sim.port });

  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      io.signal?.removeEventListener('abort', stop);
      done();
    };
    if (io.signal?.aborted) {
      stop();
      return;
    }
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    io.signal?.addEventListener('abort', stop, { once: true });
  });
  const s = sim.stats();
  await sim.close();
  out.write(`canarylab sim stopped after ${s.requests} requests (max in flight ${s.maxInFlight})\n`);
  return 0;
}
