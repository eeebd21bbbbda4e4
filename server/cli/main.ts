import { InputError } from '../errors.ts';
import { UsageError, VERSION } from './common.ts';
// Each command is loaded when it runs: `redline screen` must not pay for express, SQLite and
// the web server's modules at start-up (a county screening takes about a second in all).
async function usage(): Promise<string> {
  const [screen, exp, comp, insp, start] = await Promise.all([
    import('./screen.ts'), import('./export.ts'), import('./compensate.ts'), import('./inspect.ts'), import('./start.ts'),
  ]);
  return `redline ${VERSION} — screening of mineral rights against protected zones

  ${screen.SCREEN_USAGE}
  ${exp.EXPORT_USAGE}
  ${comp.COMPENSATE_USAGE}
  ${insp.INSPECT_USAGE}
  ${start.SERVE_USAGE}

See README.md for the file formats and columns.`;
}

/**
 * Bad input ends in one clear line naming the file, the feature and the reason — never a stack
 * trace (set REDLINE_DEBUG=1 to see one).
 */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'screen':
      return (await import('./screen.ts')).screenCommand(rest);
    case 'start':
      return (await import('./start.ts')).startCommand(rest);
    case 'serve':
      return (await import('./start.ts')).serveCommand(rest);
    case 'export':
      return (await import('./export.ts')).exportCommand(rest);
    case 'compensate':
      return (await import('./compensate.ts')).compensateCommand(rest);
    case 'inspect':
      return (await import('./inspect.ts')).inspectCommand(rest);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write((await usage()) + '\n');
      return 0;
    case '--version':
      process.stdout.write(VERSION + '\n');
      return 0;
    default:
      throw new UsageError(`unknown command "${command}"\n${await usage()}`);
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
