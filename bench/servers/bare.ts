/** Child process for the bench: a bare node:http server answering the same 302 with no work (our CPU ceiling). */
import { createServer } from 'node:http';

const location = 'https://queenofsandiego.com/?utm_source=solare&utm_medium=referral&utm_campaign=vendor-referral&ref_cid=01M89F3BDQJTPWEVZD4P6K8KVC';
createServer((_req, res) => {
  res.writeHead(302, { Location: location, 'Cache-Control': 'no-store' });
  res.end();
}).listen(Number(process.argv[2]), '127.0.0.1', () => process.send?.('ready'));
