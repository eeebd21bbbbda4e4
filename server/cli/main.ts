import { InputError } from '../errors.ts';
import { UsageError, VERSION } from './common.ts';
import { COMPENSATE_USAGE, compensateCommand } from './compensate.ts';
import { EXPORT_USAGE, exportCommand } from './export.ts';
import { INSPECT_USAGE, inspectCommand } from './inspect.ts';
import { SCREEN_USAGE, screenCommand } from './screen.ts';
import { SERVE_USAGE, serveCommand, startCommand } from './start.ts';

const USAGE = `redline ${VERSION} — screening of mineral rights against protected zones

  ${SCREEN_USAGE}
  ${EXPORT_USAGE}
  ${COMPENSATE_USAGE}
  ${INSPECT_USAGE}
  ${SERVE_USAGE}

See README.md for the file formats and columns.`;

/**
 * Bad input ends in one clear line naming the file, the feature and the reason — never a stack
 * trace (set REDLINE_DEBUG=1 to see one).
 */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'screen':
      return screenCommand(rest);
    case 'start':
      return startCommand(rest);
    case 'serve':
      return serveCommand(rest);
    case 'export':
      return exportCommand(rest);
    case 'compensate':
      return compensateCommand(rest);
    case 'inspect':
      return inspectCommand(rest);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(USAGE + '\n');
      return 0;
    case '--version':
      process.stdout.write(VERSION + '\n');
      return 0;
    default:
      throw new UsageError(`unknown command "${command}"\n${USAGE}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const e = err instanceof Error ? err : new Error(String(err));
    if (process.env.REDLINE_DEBUG) process.stderr.write(`${e.stack}\n`);
    if (e instanceof InputError || e instanceof UsageError) {
      process.stderr.write(`redline: ${e.message}\n`);
      process.exitCode = 2;
    } else if ((e as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`redline: ${e.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`redline: internal error: ${e.message} (REDLINE_DEBUG=1 shows the stack)\n`);
      process.exitCode = 1;
    }
  },
);
