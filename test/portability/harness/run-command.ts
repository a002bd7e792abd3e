import { execFile } from 'node:child_process';

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion (killed after 30 s) and captures what it printed. */
export function runCommand(file: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, timeout: 30_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout, stderr: error && code === null ? `${stderr}\n${error.message}` : stderr });
    });
  });
}

/** The last line a host printed, parsed as the JSON result of train-xor.mjs. */
export function parseResult(run: CommandResult, what: string): unknown {
  const lastLine = run.stdout.trim().split('\n').at(-1) ?? '';
  if (run.code !== 0 || !lastLine.startsWith('{')) {
    throw new Error(`${what} exited with code ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`);
  }
  return JSON.parse(lastLine);
}
