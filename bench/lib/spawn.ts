/** Running benchmark configurations in fresh processes (backend state is global to a process). */
import { spawnSync } from 'node:child_process';

export const RESULT_MARK = 'BENCH_RESULT ';

export interface Spawned<T> {
  result: T;
  stderr: string;
  seconds: number;
}

/**
 * Runs a command, returning the JSON it printed: the last stdout line starting with RESULT_MARK,
 * or (with `wholeLine`) the last stdout line that parses as JSON. Throws with the child's output
 * when it fails.
 */
export function runJson<T>(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; marked?: boolean } = {},
): Spawned<T> {
  const t0 = performance.now();
  const child = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 600_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = (performance.now() - t0) / 1000;
  if (child.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (status ${child.status}, signal ${child.signal}):\n${child.stderr}\n${child.stdout}`);
  }
  const lines = child.stdout.split('\n').filter((l) => l.trim() !== '');
  const marked = options.marked ?? true;
  const line = marked
    ? lines.reverse().find((l) => l.startsWith(RESULT_MARK))?.slice(RESULT_MARK.length)
    : lines.reverse().find((l) => l.trim().startsWith('{'));
  if (line === undefined) throw new Error(`${command} ${args.join(' ')} printed no result:\n${child.stdout}\n${child.stderr}`);
  return { result: JSON.parse(line) as T, stderr: child.stderr, seconds };
}

/** A copy of the environment with some variables set and others removed (for one command only). */
export function environment(set: Record<string, string>, remove: string[] = []): NodeJS.ProcessEnv {
  const env = { ...process.env, ...set };
  for (const name of remove) delete env[name];
  return env;
}
