// Child process: a bare node:http server that answers every request with one fixed response
// (the headers and body churnmock sent for it), the baseline churnmock's throughput is compared
// with. The bench sends the response over IPC.
import { createServer } from 'node:http';

interface Payload {
  body: string;
  /** Names and values in turn, content-length among them. */
  headers: string[];
}

process.once('message', (message) => {
  const { body: base64, headers } = message as Payload;
  const body = Buffer.from(base64, 'base64');
  const server = createServer((_req, res) => {
    res.writeHead(200, headers);
    res.end(body);
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    console.log(`bare listening on http://127.0.0.1:${port}`);
  });
});

// Never outlive the bench.
process.once('disconnect', () => process.exit(0));
process.once('SIGTERM', () => process.exit(0));
