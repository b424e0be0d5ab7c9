import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

// One place extends zod with `.openapi()`, so every schema module imports `z` from here.
extendZodWithOpenApi(z);

export { z };
