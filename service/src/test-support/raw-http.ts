// A hand-driven HTTP/1.1 client over a plain socket, for what fetch cannot send: malformed requests, huge
// headers, and requests written slowly (a byte at a time) to test the server's timeouts.
import { connect } from 'node:net';

export interface RawResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  /** Whether the server closed the connection before the client had written everything. */
  closedEarly: boolean;
}

export interface RawRequestOptions {
  port: number;
  /** Written in order; between two pieces the client waits `pauseMs`. */
  pieces: readonly string[];
  pauseMs?: number;
}

export function sendRawRequest(options: RawRequestOptions): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: options.port });
    let received = '';
    let written = 0;
    let timer: NodeJS.Timeout | undefined;
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => {
      received += text;
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const [head = '', ...rest] = received.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const statusCode = Number(statusLine.split(' ')[1]);
      if (!Number.isInteger(statusCode)) {
        reject(new Error(`No HTTP answer, received: ${JSON.stringify(received)}`));
        return;
      }
      const headers = Object.fromEntries(
        headerLines.map((line) => {
          const colon = line.indexOf(':');
          return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
        }),
      );
      resolve({
        statusCode,
        headers,
        body: rest.join('\r\n\r\n'),
        closedEarly: written < options.pieces.length,
      });
    });
    const writeNext = () => {
      const piece = options.pieces[written];
      if (piece === undefined || socket.destroyed) return;
      socket.write(piece);
      written += 1;
      timer = setTimeout(writeNext, options.pauseMs ?? 0);
    };
    socket.on('connect', writeNext);
  });
}
