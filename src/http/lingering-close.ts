import type { IncomingMessage, ServerResponse } from 'node:http';

/** How long, and how many more bytes, a refused request's body is read and dropped after the answer. */
const LINGER_MS = 2_000;
const LINGER_BYTES = 8 * 1024 * 1024;

/**
 * For an answer given before the request's body was read (an upload refused on its headers, or cut
 * at the limit): `Connection: close`, and a lingering close. Node destroys the socket as soon as
 * such an answer is written; the kernel then answers the bytes the client is still sending with a
 * reset (RST), which may wipe the answer before the client reads it (a browser sees a network
 * error, not the 413). So, as nginx's `lingering_close` and Apache do: after the answer, the
 * server's side is shut (FIN) and what the client still sends is read and dropped, for at most
 * LINGER_MS or LINGER_BYTES, then the socket is closed.
 */
export function closeAfterAnswer(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('connection', 'close');
  if (req.complete) return;
  const socket = req.socket;
  // The HTTP parser goes on reading the body into the request, which drops it.
  req.resume();
  // Called by Node's server once a `Connection: close` answer is written (http's resOnFinish): an internal
  // hook, checked on Node 20; the lingering tests in test/files/upload-limits.test.ts fail should it change.
  socket.destroySoon = () => {
    socket.end();
    const budget = socket.bytesRead + LINGER_BYTES;
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    socket.on('data', () => {
      if (socket.bytesRead > budget) socket.destroy();
    });
    socket.once('close', () => clearTimeout(timer));
  };
}
