// Child process: a bare node:http server that answers every request with one fixed body, the
// baseline churnmock's throughput is compared with. The bench sends the body over IPC.
import { createServer } from 'node:http';

interface Payload {
  body: string;
  contentType: string;
}

process.once('message', (message) => {
  const { body: base64, contentType } = message as Payload;
  const body = Buffer.from(base64, 'base64');
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': contentType, 'content-length': body.length });
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
