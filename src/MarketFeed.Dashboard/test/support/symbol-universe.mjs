// Reads config/symbols.csv (the server's default universe) for the fake server.
import { readFileSync } from 'node:fs';

const CSV = new URL('../../../../config/symbols.csv', import.meta.url);

/** @returns {Array<{symbol:string, symbolId:number, description:string, currency:string, priceDecimals:number, sizeDecimals:number, tickSize:number, lotSize:number, refPrice:number}>} */
export function loadUniverse() {
  const rows = readFileSync(CSV, 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
  rows.shift(); // header
  return rows.map((line, i) => {
    const [symbol, description, currency, pd, sd, tick, lot, ref] = line.split(',');
    const priceDecimals = Number(pd);
    const sizeDecimals = Number(sd);
    return {
      symbol, symbolId: i, description, currency, priceDecimals, sizeDecimals,
      tickSize: Math.round(Number(tick) * 10 ** priceDecimals),
      lotSize: Math.round(Number(lot) * 10 ** sizeDecimals),
      refPrice: Math.round(Number(ref) * 10 ** priceDecimals),
    };
  });
}
