#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx churnmock` works without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../mock/cli/main.ts');
