import { z } from 'zod';

// The CSP forbids eval: tell zod not to probe for it (its JIT uses `new Function`).
z.config({ jitless: true });
