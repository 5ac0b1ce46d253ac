import { createReadStream } from 'node:fs';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { AwsClient } from 'aws4fetch';
import type { Config } from '../../kernel/config.ts';

/** Where file bytes live: the data directory, or an S3-compatible bucket. Keys are `<tenant>/<yyyy-mm>/<file id>`. */
export interface FileStore {
  kind: 'disk' | 's3';
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** The bytes as a stream; undefined when the key holds nothing. */
  get(key: string): Promise<Readable | undefined>;
}

/** Files under `<root>/<key>`, written to a temporary name and renamed, so a crash never leaves half a file under its key. */
export function diskFileStore(root: string): FileStore {
  return {
    kind: 'disk',
    async put(key, body) {
      const target = path.join(root, key);
      await mkdir(path.dirname(target), { recursive: true });
      const temp = `${target}.${process.pid}.tmp`;
      await writeFile(temp, body, { flush: true });
      await rename(temp, target);
    },
    async get(key) {
      const target = path.join(root, key);
      const found = await stat(target).catch(() => undefined);
      return found?.isFile() ? createReadStream(target) : undefined;
    },
  };
}

/** Files in an S3-compatible bucket (path-style URLs, AWS Signature V4), for a chain running several nodes. */
export function s3FileStore(s3: NonNullable<Config['s3']>): FileStore {
  const client = new AwsClient({ accessKeyId: s3.accessKey, secretAccessKey: s3.secretKey, region: s3.region, service: 's3' });
  const url = (key: string) => `${s3.endpoint.replace(/\/$/, '')}/${s3.bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
  return {
    kind: 's3',
    async put(key, body, contentType) {
      const res = await client.fetch(url(key), { method: 'PUT', body: new Uint8Array(body), headers: { 'content-type': contentType } });
      if (!res.ok) throw new Error(`S3 PUT ${key} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    },
    async get(key) {
      const res = await client.fetch(url(key), { method: 'GET' });
      if (res.status === 404) return undefined;
      if (!res.ok || !res.body) throw new Error(`S3 GET ${key} answered ${res.status}`);
      return Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
    },
  };
}

/** The store the configuration asks for. */
export function fileStoreFor(config: Config): FileStore {
  return config.s3 ? s3FileStore(config.s3) : diskFileStore(path.join(config.dataDir, 'files'));
}
