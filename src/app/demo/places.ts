/**
 * Where the demo lives: 20 stores and 3 NetSuite warehouses at real US ZIP codes of real cities,
 * and the ship-to ZIP codes of its customers, picked from the `zipcodes` package's data (mostly
 * in big metro areas, some anywhere in the 50 states and DC).
 */
import { createRequire } from 'node:module';
import type { FacilityInput } from '../catalog';
import type { Rng } from './random';

interface ZipRecord { zip: string; latitude: number; longitude: number; city: string; state: string; country: string }
const zipcodes = createRequire(import.meta.url)('zipcodes') as { codes: Record<string, ZipRecord>; lookup(zip: string): ZipRecord | undefined };

interface StoreSpec {
  id: string; name: string; zip: string; address1: string; ranking: number; active?: boolean; dailyOrderLimit?: number; safetyStock?: number;
}

/** Flagship and big-city stores rank first (1 is the highest priority; warehouses rank 1–3). */
const STORES: StoreSpec[] = [
  { id: 'STORE_NYC_SOHO', name: 'SoHo, New York', zip: '10012', address1: '548 Broadway', ranking: 10, dailyOrderLimit: 40 },
  { id: 'STORE_BROOKLYN', name: 'Brooklyn Heights', zip: '11201', address1: '142 Montague St', ranking: 14 },
  { id: 'STORE_BOSTON', name: 'Back Bay, Boston', zip: '02116', address1: '310 Newbury St', ranking: 12 },
  { id: 'STORE_PHILADELPHIA', name: 'Rittenhouse, Philadelphia', zip: '19103', address1: '1625 Walnut St', ranking: 16 },
  { id: 'STORE_WASHINGTON', name: 'Penn Quarter, Washington', zip: '20004', address1: '701 7th St NW', ranking: 15 },
  { id: 'STORE_ATLANTA', name: 'Buckhead, Atlanta', zip: '30305', address1: '3035 Peachtree Rd NE', ranking: 13 },
  { id: 'STORE_MIAMI', name: 'Brickell, Miami', zip: '33131', address1: '701 S Miami Ave', ranking: 17 },
  { id: 'STORE_CHICAGO', name: 'Magnificent Mile, Chicago', zip: '60611', address1: '645 N Michigan Ave', ranking: 11, safetyStock: 2 },
  { id: 'STORE_DETROIT', name: 'Midtown, Detroit', zip: '48201', address1: '4240 Cass Ave', ranking: 25, active: false },
  { id: 'STORE_MINNEAPOLIS', name: 'North Loop, Minneapolis', zip: '55401', address1: '212 N 2nd Ave', ranking: 22 },
  { id: 'STORE_DALLAS', name: 'Uptown, Dallas', zip: '75201', address1: '2500 Cedar Springs Rd', ranking: 18 },
  { id: 'STORE_HOUSTON', name: 'Galleria, Houston', zip: '77056', address1: '5085 Westheimer Rd', ranking: 19 },
  { id: 'STORE_AUSTIN', name: 'South Congress, Austin', zip: '78704', address1: '1400 S Congress Ave', ranking: 21 },
  { id: 'STORE_NASHVILLE', name: '12 South, Nashville', zip: '37204', address1: '2301 12th Ave S', ranking: 24 },
  { id: 'STORE_DENVER', name: 'Cherry Creek, Denver', zip: '80206', address1: '3000 E 1st Ave', ranking: 20 },
  { id: 'STORE_PHOENIX', name: 'Scottsdale Quarter, Phoenix', zip: '85254', address1: '15279 N Scottsdale Rd', ranking: 23 },
  { id: 'STORE_SEATTLE', name: 'Capitol Hill, Seattle', zip: '98102', address1: '1520 Broadway E', ranking: 16, dailyOrderLimit: 25 },
  { id: 'STORE_PORTLAND', name: 'Pearl District, Portland', zip: '97209', address1: '1021 NW Couch St', ranking: 22 },
  { id: 'STORE_SAN_FRANCISCO', name: 'Union Square, San Francisco', zip: '94108', address1: '150 Post St', ranking: 12 },
  { id: 'STORE_LOS_ANGELES', name: 'Melrose, Los Angeles', zip: '90046', address1: '8000 Melrose Ave', ranking: 13, safetyStock: 1 },
];

interface WarehouseSpec {
  id: string; name: string; zip: string; address1: string; ranking: number; netsuiteLocationId: string;
  zipRanges: [string, string][]; accountingCodes: string[];
}

/** ZIP ranges by first digit: 0–2 east coast, 3–7 south and middle, 8–9 mountain and west. */
const WAREHOUSES: WarehouseSpec[] = [
  {
    id: 'WH_EAST', name: 'East DC, Edison NJ', zip: '08837', address1: '300 Raritan Center Pkwy', ranking: 1, netsuiteLocationId: '101',
    zipRanges: [['00501', '29999']], accountingCodes: ['WHOLESALE', 'MKTPL-AMZ'],
  },
  {
    id: 'WH_CENTRAL', name: 'Central DC, Memphis TN', zip: '38118', address1: '4000 Getwell Rd', ranking: 2, netsuiteLocationId: '102',
    zipRanges: [['30000', '79999']], accountingCodes: ['WHOLESALE', 'MKTPL-AMZ', 'MKTPL-EBAY'],
  },
  {
    id: 'WH_WEST', name: 'West DC, Ontario CA', zip: '91761', address1: '1501 S Archibald Ave', ranking: 3, netsuiteLocationId: '103',
    zipRanges: [['80000', '99999']], accountingCodes: ['MKTPL-AMZ', 'MKTPL-EBAY'],
  },
];

export const WAREHOUSE_IDS = WAREHOUSES.map((w) => w.id);
export const STORE_IDS = STORES.map((s) => s.id);
export const DEMO_FACILITY_IDS = [...WAREHOUSE_IDS, ...STORE_IDS];

function zipRecord(zip: string): ZipRecord {
  const r = zipcodes.lookup(zip);
  if (!r || r.country !== 'US') throw new Error(`demo data: ${zip} is not a US ZIP code in the zipcodes data`);
  return r;
}

/** The demo facilities as `upsertFacility` input (coordinates come from the ZIP). */
export function demoFacilities(): FacilityInput[] {
  const warehouses: FacilityInput[] = WAREHOUSES.map((w) => {
    const z = zipRecord(w.zip);
    return {
      id: w.id, name: w.name, type: 'WAREHOUSE', fulfillmentSystem: 'NETSUITE', netsuiteLocationId: w.netsuiteLocationId,
      address1: w.address1, city: z.city, state: z.state, postalCode: w.zip, country: 'US', ranking: w.ranking,
      zipRanges: w.zipRanges, accountingCodes: w.accountingCodes,
    };
  });
  const stores: FacilityInput[] = STORES.map((s) => {
    const z = zipRecord(s.zip);
    return {
      id: s.id, name: s.name, type: 'STORE', fulfillmentSystem: 'OMS', address1: s.address1, city: z.city, state: z.state,
      postalCode: s.zip, country: 'US', ranking: s.ranking, active: s.active ?? true, dailyOrderLimit: s.dailyOrderLimit ?? null,
      safetyStock: s.safetyStock ?? 0,
    };
  });
  return [...warehouses, ...stores];
}

/** Metro areas where most customers live, weighted roughly by population. */
const METROS: [city: string, state: string, weight: number][] = [
  ['New York', 'NY', 20], ['Brooklyn', 'NY', 8], ['Los Angeles', 'CA', 13], ['Chicago', 'IL', 9], ['Houston', 'TX', 7],
  ['Dallas', 'TX', 6], ['Philadelphia', 'PA', 6], ['Washington', 'DC', 5], ['Miami', 'FL', 5], ['Atlanta', 'GA', 6],
  ['Boston', 'MA', 5], ['Phoenix', 'AZ', 5], ['San Francisco', 'CA', 5], ['Seattle', 'WA', 5], ['San Diego', 'CA', 4],
  ['Minneapolis', 'MN', 4], ['Denver', 'CO', 4], ['Saint Louis', 'MO', 3], ['Baltimore', 'MD', 3], ['Charlotte', 'NC', 3],
  ['Portland', 'OR', 3], ['Austin', 'TX', 3], ['San Antonio', 'TX', 3], ['Orlando', 'FL', 3], ['Sacramento', 'CA', 2],
  ['Pittsburgh', 'PA', 2], ['Las Vegas', 'NV', 3], ['Cincinnati', 'OH', 2], ['Kansas City', 'MO', 2], ['Columbus', 'OH', 2],
  ['Indianapolis', 'IN', 2], ['Cleveland', 'OH', 2], ['Nashville', 'TN', 2], ['Salt Lake City', 'UT', 2], ['Raleigh', 'NC', 2],
  ['Milwaukee', 'WI', 2], ['Detroit', 'MI', 3], ['New Orleans', 'LA', 1], ['Oklahoma City', 'OK', 1], ['Albuquerque', 'NM', 1],
  ['Boise', 'ID', 1], ['Honolulu', 'HI', 1], ['Anchorage', 'AK', 1], ['Omaha', 'NE', 1], ['Richmond', 'VA', 1],
];

/** The 50 states and DC (the data also holds territories and military post offices). */
const STATES = new Set(('AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA '
  + 'RI SC SD TN TX UT VT VA WA WV WI WY').split(' '));

export interface ShipToPlace { zip: string; city: string; state: string; latitude: number; longitude: number }

export interface ZipPool { metros: [ShipToPlace[], number][]; anywhere: ShipToPlace[] }

let pool: ZipPool | undefined;

/** Every usable US ZIP, and the ZIPs of each metro; built once, sorted so picks are reproducible. */
export function zipPool(): ZipPool {
  if (pool) return pool;
  const anywhere = Object.values(zipcodes.codes)
    .filter((r) => r.country === 'US' && STATES.has(r.state) && /^\d{5}$/.test(r.zip) && Number.isFinite(r.latitude) && Number.isFinite(r.longitude))
    .map((r) => ({ zip: r.zip, city: r.city, state: r.state, latitude: r.latitude, longitude: r.longitude }))
    .sort((a, b) => (a.zip < b.zip ? -1 : a.zip > b.zip ? 1 : 0));
  const byCity = new Map<string, ShipToPlace[]>();
  for (const p of anywhere) {
    const key = `${p.city.toUpperCase()}|${p.state}`;
    let l = byCity.get(key);
    if (!l) byCity.set(key, (l = []));
    l.push(p);
  }
  const metros = METROS.map(([city, state, w]) => [byCity.get(`${city.toUpperCase()}|${state}`) ?? [], w] as [ShipToPlace[], number])
    .filter(([l]) => l.length > 0);
  pool = { metros, anywhere };
  return pool;
}

/** A ship-to place: three in four in a metro area, the rest anywhere in the country. */
export function pickPlace(rng: Rng): ShipToPlace {
  const p = zipPool();
  if (rng.chance(0.75)) return rng.pick(rng.weighted(p.metros));
  return rng.pick(p.anywhere);
}

/** The active store nearest to a place (a customer's local store), by squared degree distance. */
export function nearestStore(
  place: { latitude: number; longitude: number },
  stores: readonly { id: string; latitude: number; longitude: number }[],
): string | undefined {
  let best: string | undefined, bestD = Infinity;
  const k = Math.cos((place.latitude * Math.PI) / 180);
  for (const s of stores) {
    const d = (s.latitude - place.latitude) ** 2 + ((s.longitude - place.longitude) * k) ** 2;
    if (d < bestD) { bestD = d; best = s.id; }
  }
  return best;
}

/** Coordinates of a demo facility (from its ZIP). */
export function facilityPoint(f: FacilityInput): { id: string; latitude: number; longitude: number } {
  const z = zipRecord(f.postalCode!);
  return { id: f.id, latitude: z.latitude, longitude: z.longitude };
}

const STREETS = ['Main', 'Oak', 'Maple', 'Cedar', 'Elm', 'Pine', 'Washington', 'Lake', 'Hill', 'Park', 'Walnut', 'Sunset', 'Lincoln',
  'Jackson', 'Highland', 'Church', 'Willow', 'Franklin', 'Chestnut', 'Spring', 'Ridge', 'River', 'Meadow', 'Jefferson', 'Madison',
  'Forest', 'Grove', 'Cherry', 'Magnolia', 'Laurel', 'Union', 'Center', 'Broad', 'Market', 'Mill', 'Valley', 'Prospect', 'Adams'];
const SUFFIXES = ['St', 'Ave', 'Rd', 'Dr', 'Ln', 'Blvd', 'Ct', 'Way', 'Pl', 'Ter'];

export function streetAddress(rng: Rng): { address1: string; address2?: string } {
  const address1 = `${rng.int(1, 9899)} ${rng.pick(STREETS)} ${rng.pick(SUFFIXES)}`;
  if (!rng.chance(0.22)) return { address1 };
  return { address1, address2: rng.chance(0.5) ? `Apt ${rng.int(1, 30)}${rng.pick(['A', 'B', 'C', 'D'])}` : `Unit ${rng.int(100, 1450)}` };
}
