import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ContentRefusal, DocumentType } from './content-parts';

const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** The bytes of a base64 document (bare, or a `data:...;base64,` URL), refused past `maxBytes`. */
export function decodeBase64(url: string, path: string, maxBytes: number): Buffer {
  const data = url.replace(/^data:[^,]*;base64,/i, '').replace(/\s+/g, '');
  if (!data || !BASE64.test(data)) {
    throw new ContentRefusal(`${path}: the document is neither an http(s) URL nor base64 data`);
  }
  if (Math.floor((data.length * 3) / 4) > maxBytes + 2) {
    throw tooLarge(path, maxBytes);
  }
  return Buffer.from(data, data.includes('-') || data.includes('_') ? 'base64url' : 'base64');
}

export function tooLarge(path: string, maxBytes: number): ContentRefusal {
  return new ContentRefusal(`${path}: documents are at most ${maxBytes} bytes (DOCUMENT_MAX_BYTES)`, true);
}

/** A document's text: a PDF's pages (unpdf), or the bytes of a text or Markdown file as UTF-8. */
export async function documentText(type: DocumentType, bytes: Buffer, path: string): Promise<string> {
  let text: string;
  if (type === 'pdf_url') {
    if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-') {
      throw new ContentRefusal(`${path}: pdf_url is not a PDF file`);
    }
    text = await pdfText(bytes, path);
  } else {
    text = bytes.toString('utf8');
    if (text.includes('\u0000') || text.includes('\ufffd')) {
      throw new ContentRefusal(`${path}: ${type} is not UTF-8 text`);
    }
  }
  // Postgres stores no NUL characters; a PDF's text can carry them.
  const clean = text.replace(/\u0000/g, '').trim();
  if (!clean) {
    throw new ContentRefusal(`${path}: the document has no text`);
  }
  return clean;
}

/** Longest a PDF may take to read. */
const PDF_DEADLINE_MS = 30_000;

/*
 * unpdf loads its PDF.js build with a dynamic import, which jest's module sandbox cannot run; a worker
 * thread can, and keeps a large PDF from blocking the event loop meanwhile.
 */
const PDF_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.module)
  .then(async ({ extractText, getDocumentProxy }) => {
    const pdf = await getDocumentProxy(new Uint8Array(workerData.bytes));
    const { text } = await extractText(pdf, { mergePages: true });
    parentPort.postMessage({ text });
  })
  .catch((error) => parentPort.postMessage({ error: String((error && error.message) || error) }));
`;

function pdfText(bytes: Buffer, path: string): Promise<string> {
  const worker = new Worker(PDF_WORKER, {
    eval: true,
    workerData: { module: pathToFileURL(require.resolve('unpdf')).href, bytes },
  });
  return new Promise<string>((resolve, reject) => {
    const refuse = (reason: string) => reject(new ContentRefusal(`${path}: the PDF could not be read (${reason})`));
    const timer = setTimeout(() => refuse(`no text after ${PDF_DEADLINE_MS} ms`), PDF_DEADLINE_MS);
    worker.once('message', (answer: { text?: string; error?: string }) =>
      answer.error === undefined ? resolve(answer.text ?? '') : refuse(answer.error),
    );
    worker.once('error', (error) => refuse(error.message));
    worker.once('exit', () => {
      clearTimeout(timer);
      refuse('the reader stopped');
    });
  }).finally(() => void worker.terminate());
}
