// The server the browser tests drive.
//   MARKETFEED_URL set    -> that server (e.g. http://127.0.0.1:5080); restart through
//                            MARKETFEED_STOP_CMD + MARKETFEED_START_CMD, or MARKETFEED_RESTART_CMD
//                            (shell commands); the restart test is skipped without them.
//   MARKETFEED_URL unset  -> the in-process fake server (test/support) serving the built page,
//                            which checks the page itself before the real server is ready
//                            (the page is rebuilt into wwwroot first).
import { execSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { FakeMarketFeedServer } from '../support/fake-server.mjs';

const WWWROOT = fileURLToPath(new URL('../../../MarketFeed.Server/wwwroot/', import.meta.url));
const BUILD = fileURLToPath(new URL('../../build.mjs', import.meta.url));

/**
 * @returns {Promise<{url: string, fake: boolean, canRestart: boolean, stop?: () => Promise<void>,
 *   start?: () => Promise<void>, restart?: () => Promise<void>, dispose: () => Promise<void>,
 *   inject?: (messages: unknown[]) => void, drop?: (code: number) => void}>} inject/drop: fake only
 */
export async function targetServer() {
  const url = process.env.MARKETFEED_URL?.replace(/\/+$/, '');
  if (url) {
    const { MARKETFEED_STOP_CMD: stopCmd, MARKETFEED_START_CMD: startCmd, MARKETFEED_RESTART_CMD: restartCmd } = process.env;
    const sh = (cmd) => async () => { execSync(cmd, { stdio: 'inherit', shell: '/bin/sh' }); };
    return {
      url, fake: false,
      canRestart: Boolean((stopCmd && startCmd) || restartCmd),
      stop: stopCmd && startCmd ? sh(stopCmd) : undefined,
      start: stopCmd && startCmd ? sh(startCmd) : undefined,
      restart: restartCmd ? sh(restartCmd) : undefined,
      dispose: async () => {},
    };
  }
  execSync(`node "${BUILD}"`, { stdio: 'inherit' }); // fresh bundle: the page under test is the source in this tree
  const server = await new FakeMarketFeedServer({ staticDir: WWWROOT, tickIntervalMs: 100 }).start();
  return {
    url: server.url, fake: true, canRestart: true,
    stop: () => server.stop(), start: async () => { await server.start(); },
    inject: (messages) => server.broadcast(messages), drop: (code) => server.dropAll(code),
    dispose: () => server.stop(),
  };
}
