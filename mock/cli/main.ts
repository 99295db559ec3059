import { REGISTRY } from '../registry.ts';
import { buildCli } from './program.ts';

// The `churnmock` command: the program is built without side effects (tests build their own);
// only this entry point parses the process's arguments.
await buildCli(REGISTRY).parseAsync(process.argv);
