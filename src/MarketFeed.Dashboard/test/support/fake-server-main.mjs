// Runs the fake server for page development: node test/support/fake-server-main.mjs [port]
// Serves ../../../MarketFeed.Server/wwwroot (run `npm run build` first) and /ws/v1.
import { fileURLToPath } from 'node:url';
import { FakeMarketFeedServer } from './fake-server.mjs';

const staticDir = fileURLToPath(new URL('../../../MarketFeed.Server/wwwroot/', import.meta.url));
const server = await new FakeMarketFeedServer({ port: Number(process.argv[2] ?? 5081), staticDir }).start();
console.log(`fake MarketFeed listening on ${server.url}/`);
