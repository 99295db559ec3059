import { beforeAll } from 'vitest';

import { resetShared } from './mock.ts';

// Test files share their worker's modules (isolate: false in vitest.config.ts), so a file
// starts the shared default mock from its seeded state whatever the file before it did.
beforeAll(resetShared);
