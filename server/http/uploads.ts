/**
 * Receiving uploaded files: multer writes each part of field `file` to a fresh folder under the
 * store's folder, under its original name (readLayer goes by the extension, and a shapefile's
 * parts find each other by name), and the caller removes the folder when the import is over,
 * whatever happened.
 */
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Request, Response } from 'express';
import multer from 'multer';
import { badRequest } from './errors.ts';

export interface Upload {
  dir: string;
  /** the files of field `file`, in the order sent */
  files: Express.Multer.File[];
  /** the text fields */
  fields: Record<string, string>;
  remove(): Promise<void>;
}

/** A file name that stays inside the folder: no path, no control characters. */
export function safeName(original: string): string {
  const base = original.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return clean === '' || clean === '.' || clean === '..' ? 'upload' : clean;
}

/**
 * Upload folders a killed process left behind (an upload is imported and removed within
 * minutes, so an hour-old one is nobody's): removed at start-up so they do not pile up.
 */
export async function removeStaleUploads(root: string, olderThanMs = 3_600_000): Promise<number> {
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return 0; // no uploads yet
  }
  let removed = 0;
  for (const name of names.filter((n) => n.startsWith('upload-'))) {
    const path = join(root, name);
    const s = await stat(path).catch(() => null);
    if (s && s.isDirectory() && Date.now() - s.mtimeMs > olderThanMs) {
      await rm(path, { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}

export async function receiveUpload(req: Request, res: Response, root: string, maxBytes: number, maxFiles = 20): Promise<Upload> {
  await mkdir(root, { recursive: true });
  const dir = await mkdtemp(join(root, 'upload-'));
  const remove = (): Promise<void> => rm(dir, { recursive: true, force: true });
  const storage = multer.diskStorage({
    destination: (_req, _file, cb) => cb(null, dir),
    filename: (_req, file, cb) => cb(null, safeName(file.originalname)),
  });
  // browsers send UTF-8 file names without saying so; busboy would read them as Latin-1
  const parse = multer({ storage, limits: { fileSize: maxBytes, files: maxFiles, fieldSize: 1024 * 1024 }, defParamCharset: 'utf8' })
    .array('file', maxFiles);
  try {
    await new Promise<void>((resolve, reject) => parse(req, res, (err: unknown) => (err ? reject(err) : resolve())));
  } catch (err) {
    await remove();
    throw err;
  }
  const files = (req.files as Express.Multer.File[] | undefined) ?? [];
  const names = new Set<string>();
  for (const f of files) {
    if (names.has(f.filename)) {
      await remove();
      throw badRequest(`two uploaded files are both named ${f.filename}`);
    }
    names.add(f.filename);
  }
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries((req.body ?? {}) as Record<string, unknown>)) if (typeof v === 'string') fields[k] = v;
  return { dir, files, fields, remove };
}

/**
 * The file to read among those uploaded: the only one, or the one .shp of a shapefile sent as
 * its parts (.shp, .shx, .dbf, .prj, .cpg), or the only part that is not a sidecar.
 */
export function mainFile(files: readonly Express.Multer.File[]): Express.Multer.File {
  if (files.length === 0) throw badRequest('no file: send the layer in the multipart field "file"');
  if (files.length === 1) return files[0];
  const sidecar = new Set(['.shx', '.dbf', '.prj', '.cpg', '.qix', '.sbn', '.sbx', '.xml']);
  const main = files.filter((f) => !sidecar.has(extname(f.filename).toLowerCase()));
  if (main.length === 1) return main[0];
  throw badRequest(`${files.length} files sent: send one layer at a time (a .zip, or a shapefile's .shp with its .shx, .dbf and .prj); got ${files.map((f) => f.filename).join(', ')}`);
}
