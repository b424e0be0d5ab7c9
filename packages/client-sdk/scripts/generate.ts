// `npm run generate` writes src/generated/openapi.ts; `npm run check:generated` (--check) fails when it drifted.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { generatedTypesPath, generateTypes, openapiDocumentPath, readGeneratedTypes, readOpenapiDocument } from './openapi-types.js';

const check = process.argv.includes('--check');
const shown = (file: string) => relative(process.cwd(), file);

const document = readOpenapiDocument();
if (!document) {
  console.log(`${shown(openapiDocumentPath)} does not exist yet; nothing to ${check ? 'check' : 'generate'}.`);
  process.exit(0);
}

const generated = await generateTypes(document);
if (check) {
  if (readGeneratedTypes() !== generated) {
    console.error(`${shown(generatedTypesPath)} is not what ${shown(openapiDocumentPath)} generates; run \`npm run generate\` and commit it.`);
    process.exit(1);
  }
  console.log(`${shown(generatedTypesPath)} is up to date.`);
} else {
  mkdirSync(dirname(generatedTypesPath), { recursive: true });
  writeFileSync(generatedTypesPath, generated);
  console.log(`Wrote ${shown(generatedTypesPath)}.`);
}
