import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { PortabilityService, Progress } from '@app/memories';

const DEFAULT_PROGRESS_EVERY = 10_000;

export function positive(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) {
    throw new InvalidArgumentError('expected a positive integer');
  }
  return number;
}

function jsonObject(value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError('expected a JSON object, e.g. \'{"user_id": "alice"}\'');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidArgumentError('expected a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/** `exported 120000/1000000 (12%)` on stderr each time another `every` rows are done, and at the end. */
export function progress(verb: string, every: number): Progress {
  let next = every;
  return (done, total) => {
    if (done >= next || done >= total) {
      const percent = total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 100;
      console.error(`${verb} ${done}/${total} (${percent}%)`);
      next = (Math.floor(done / every) + 1) * every;
    }
  };
}

/** `export` / `import`: a project's memories with vectors and history as JSON lines, ids and timestamps kept. */
export function registerPortabilityCommands(program: Command, portability: PortabilityService): void {
  program
    .command('export')
    .description("write a project's memories, history and entities as JSON lines (lossless)")
    .requiredOption('--project <projectId>', 'the project to export')
    .option('--filters <json>', 'only the memories matching this filter (the v2 filter language)', jsonObject)
    .option('--out <file>', 'write here instead of stdout')
    .option('--progress-every <rows>', 'progress line on stderr every this many rows', positive, DEFAULT_PROGRESS_EVERY)
    .action(
      async (options: { project: string; filters?: Record<string, unknown>; out?: string; progressEvery: number }) => {
        const out = options.out ? createWriteStream(options.out) : process.stdout;
        const header = await portability.export({
          projectId: options.project,
          filters: options.filters,
          out,
          onProgress: progress('exported', options.progressEvery),
        });
        if (options.out) {
          out.end();
          await once(out, 'finish');
        }
        console.error(
          `exported ${header.count} memories, ${header.deleted_count} deleted memories' history and ` +
            `${header.entity_count} entities of project ${header.project_id}${options.out ? ` to ${options.out}` : ''}`,
        );
      },
    );

  program
    .command('import')
    .description('restore an export into a project (re-running it skips what is already there)')
    .requiredOption('--project <projectId>', 'the project to import into')
    .requiredOption('--in <file>', 'a file written by `export`')
    .option('--batch-size <rows>', 'lines per transaction', positive)
    .option('--progress-every <rows>', 'progress line on stderr every this many rows', positive, DEFAULT_PROGRESS_EVERY)
    .action(async (options: { project: string; in: string; batchSize?: number; progressEvery: number }) => {
      const input = createReadStream(options.in);
      await once(input, 'open');
      const summary = await portability.import({
        projectId: options.project,
        input,
        batchSize: options.batchSize,
        onProgress: progress('imported', options.progressEvery),
      });
      for (const warning of summary.warnings) {
        console.error(`warning: ${warning}`);
      }
      console.log(
        `imported into project ${options.project}: ${summary.inserted} memories written, ${summary.skipped} already ` +
          `present, ${summary.history} history entries, ${summary.entities} entities`,
      );
    });
}
