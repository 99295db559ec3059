import { createReferenceEndpoint } from './app.ts';

// Run: node --import tsx examples/customer-data-endpoint/server.ts
const port = Number(process.env.PORT ?? 3000);
const apiKey = process.env.CHURNKEY_API_KEY ?? 'ck_test_churnmock';

const server = createReferenceEndpoint({ apiKey }).listen(port, '127.0.0.1', () => {
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  console.log(`Customer Data Endpoint on http://127.0.0.1:${actual}/churnkey/customer-data`);
});
