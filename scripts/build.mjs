// One build for the whole workspace: the AssemblyScript core to .wasm, then
// every TypeScript package through project references (tsc -b builds them in
// dependency order and skips what is up to date).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`build failed: ${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
    process.exit(r.status ?? 1);
  }
}

if (existsSync(join(root, 'assembly', 'index.ts'))) {
  mkdirSync(join(root, 'packages', 'wasm', 'dist'), { recursive: true });
  run(bin('asc'), ['assembly/index.ts', '--config', 'assembly/asconfig.json', '--target', 'release']);
}
run(bin('tsc'), ['-b', 'tsconfig.json']);
