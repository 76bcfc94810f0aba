import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const MIRROR = '/work/.mirror/mem0ai+mem0/repo';
/** The SDK's modules the clients need: the clients themselves, their telemetry/config helpers and their errors. */
const SDK_PATHS = ['mem0/client', 'mem0/exceptions.py', 'mem0/memory/setup.py', 'mem0/memory/telemetry.py'];
const DEBIAN_PACKAGES = '/usr/lib/python3/dist-packages';
const PROBE = 'import httpx, requests\nfrom pydantic import ConfigDict';

interface Python {
  command: string;
  pythonPath: string[];
}

/** The official Python SDK (from the mem0 repository mirror) in a temp dir, with an interpreter able to run it. */
export interface PythonSdk {
  /** Why the SDK cannot run on this machine; null when it can. */
  missing: string | null;
  /**
   * Runs a script that imports the SDK, with the key in MEM0_API_KEY and the server in MEM0_HOST
   * (plus `env`); the script prints one JSON object, returned parsed.
   */
  run(script: string, env: Record<string, string>): Promise<any>;
  remove(): void;
}

/**
 * An interpreter that has httpx, requests and pydantic (the SDK's dependencies), trying Debian's
 * packages (python3-httpx, python3-requests, python3-pydantic) under each python3 found; else why not.
 */
function findPython(): Python | string {
  const tried: string[] = [];
  for (const command of ['python3', '/usr/bin/python3']) {
    for (const pythonPath of [[], [DEBIAN_PACKAGES]]) {
      try {
        execFileSync(command, ['-c', PROBE], {
          env: { PATH: process.env.PATH ?? '', PYTHONPATH: pythonPath.join(':') },
          stdio: 'pipe',
        });
        return { command, pythonPath };
      } catch (error) {
        const stderr = String((error as { stderr?: Buffer }).stderr ?? error)
          .trim()
          .split('\n')
          .at(-1);
        tried.push(`${command}${pythonPath.length ? ` + ${DEBIAN_PACKAGES}` : ''}: ${stderr}`);
      }
    }
  }
  return `no python3 with httpx, requests and pydantic (${tried.join('; ')})`;
}

/** The official Python SDK's client, read from the mem0 repository mirror when this machine has one; else why not. */
function exportSdk(into: string): string | null {
  if (!existsSync(MIRROR)) return `the mem0 repository mirror (${MIRROR}) is not on this machine`;
  try {
    const archive = execFileSync('git', ['-C', MIRROR, 'archive', 'HEAD', ...SDK_PATHS], { stdio: 'pipe' });
    execFileSync('tar', ['-x', '-C', into], { input: archive });
  } catch (error) {
    return `the client could not be read from the mirror: ${String(error).split('\n')[0]}`;
  }
  // The package's own __init__ also loads the OSS Memory (vector stores, LLMs); only the client is wanted.
  writeFileSync(join(into, 'mem0', '__init__.py'), '__version__ = "client-suite"\n');
  writeFileSync(join(into, 'mem0', 'memory', '__init__.py'), '');
  // The SDK imports PostHog at load time; with MEM0_TELEMETRY off it never calls it, so an inert module will do.
  writeFileSync(join(into, 'posthog.py'), 'class Posthog:\n    def __init__(self, *args, **kwargs):\n        pass\n');
  return null;
}

/** Prepares the SDK once per test file; when `missing` is set the file's tests are skipped (and the reason logged). */
export function preparePythonSdk(suite: string): PythonSdk {
  const python = findPython();
  const dir = mkdtempSync(join(tmpdir(), 'mem0-py-'));
  const missing = typeof python === 'string' ? python : exportSdk(dir);
  if (missing) {
    console.warn(`${suite} skipped: ${missing}`);
  }
  let scripts = 0;
  return {
    missing,
    async run(script, env) {
      const { command, pythonPath } = python as Python;
      mkdirSync(join(dir, 'home'), { recursive: true });
      const file = join(dir, `script-${++scripts}.py`);
      writeFileSync(file, script);
      const { stdout } = await run(command, [file], {
        timeout: 60_000,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: join(dir, 'home'),
          PYTHONPATH: [dir, ...pythonPath].join(':'),
          MEM0_TELEMETRY: 'False',
          ...env,
        },
      });
      return JSON.parse(stdout);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
