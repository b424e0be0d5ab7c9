/** Installs the embedded database (FerretDB, built with Go) into the git-ignored tools folder, once. */
import { loadConfig } from '../src/platform/config.js';
import { FERRETDB_VERSION, installFerretDB } from '../src/platform/db/ferretdb.js';

const config = loadConfig({ ...process.env, NODE_ENV: 'test' });
const binary = installFerretDB(config.TOOLS_DIR, (line) => console.log(line));
console.log(`FerretDB ${FERRETDB_VERSION} at ${binary}`);
