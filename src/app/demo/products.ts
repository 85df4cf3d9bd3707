/**
 * The demo catalog: apparel and home goods named from word lists, one product per style, color
 * and size, with SKU-like ids such as `TEE-1003-NVY-M`. Some are hazmat (aerosols, batteries),
 * some free samples, some assigned to a warehouse; all have a NetSuite item id.
 */
import { round2, type Rng } from './random';

export interface DemoProduct {
  id: string;
  name: string;
  hazmat: boolean;
  sample: boolean;
  warehouseId: string | null;
  netsuiteItemId: string;
  /** List price used for order lines. */
  price: number;
  kind: 'apparel' | 'home' | 'hazmat' | 'sample';
}

const COLORS: [code: string, name: string][] = [
  ['BLK', 'Black'], ['WHT', 'White'], ['NVY', 'Navy'], ['GRY', 'Heather Grey'], ['OLV', 'Olive'], ['SND', 'Sand'],
  ['RST', 'Rust'], ['SGE', 'Sage'], ['CRM', 'Cream'], ['IND', 'Indigo'], ['BRG', 'Burgundy'], ['SKY', 'Sky Blue'],
];
const SIZES = ['XS', 'S', 'M', 'L', 'XL'];

const FITS = ['Classic', 'Relaxed', 'Slim', 'Everyday', 'Weekend', 'Heritage', 'Essential', 'Boxy', 'Tailored', 'Vintage'];
const FABRICS = ['Cotton', 'Linen', 'Merino', 'Organic Cotton', 'Fleece', 'Flannel', 'Denim', 'Jersey', 'Cashmere-Blend', 'Twill'];
const GARMENTS: [code: string, name: string, low: number, high: number][] = [
  ['TEE', 'Crew Tee', 18, 38], ['POLO', 'Polo', 34, 58], ['SHRT', 'Button-Down Shirt', 48, 98], ['SWT', 'Sweater', 68, 148],
  ['HOOD', 'Hoodie', 54, 88], ['JGR', 'Jogger', 48, 78], ['CHN', 'Chino', 58, 98], ['JKT', 'Jacket', 98, 248],
  ['DRS', 'Dress', 68, 158], ['SKRT', 'Skirt', 48, 88], ['SHRTS', 'Shorts', 34, 58], ['CRDG', 'Cardigan', 68, 128],
];

const HOME_MATERIALS = ['Stoneware', 'Linen', 'Cotton Waffle', 'Teak', 'Ceramic', 'Wool', 'Jute', 'Glass', 'Oak', 'Percale'];
const HOME_ITEMS: [code: string, name: string, low: number, high: number, bulky: boolean][] = [
  ['PLT', 'Dinner Plate Set', 38, 88, false], ['MUG', 'Mug Set', 24, 48, false], ['TWL', 'Bath Towel', 18, 42, false],
  ['THR', 'Throw Blanket', 58, 148, false], ['PLW', 'Pillow Cover', 24, 58, false], ['DUV', 'Duvet Cover', 128, 248, true],
  ['RUG', 'Area Rug 5x8', 198, 498, true], ['LMP', 'Table Lamp', 78, 178, true], ['VSE', 'Vase', 28, 78, false],
  ['BSK', 'Storage Basket', 32, 68, false], ['NPK', 'Napkin Set', 18, 36, false], ['BWL', 'Serving Bowl', 28, 64, false],
];

/** Aerosols and lithium batteries ship as hazmat. */
const HAZMAT: [code: string, name: string, price: number][] = [
  ['AER-LIN', 'Linen & Room Spray, Aerosol', 16], ['AER-FAB', 'Fabric Refresher, Aerosol', 14], ['AER-DSH', 'Dry Shampoo, Aerosol', 18],
  ['AER-WPF', 'Suede & Canvas Protector Spray, Aerosol', 15], ['AER-STR', 'Wrinkle Release Starch Spray, Aerosol', 11],
  ['BAT-CNDL', 'Flameless LED Candle Set (batteries included)', 34], ['BAT-LNT', 'Rechargeable Camp Lantern (lithium battery)', 58],
  ['BAT-THR', 'Heated Throw with Battery Pack (lithium)', 148], ['BAT-FAN', 'Portable Neck Fan (lithium battery)', 29],
  ['BAT-SHV', 'Fabric Shaver (AA batteries included)', 22], ['BAT-LGT', 'Clip-On Book Light (lithium battery)', 19],
  ['AER-CLN', 'Stainless Steel Cleaner, Aerosol', 12],
];

const SAMPLES: [code: string, name: string][] = [
  ['SMP-SWT', 'Fabric Swatch Card (free sample)'], ['SMP-FRG', 'Home Fragrance Vial (free sample)'],
  ['SMP-SKN', 'Hand Cream Travel Tube (free sample)'], ['SMP-RUG', 'Rug Material Swatch (free sample)'],
  ['SMP-TWL', 'Towel Weave Swatch (free sample)'], ['SMP-DET', 'Wool Wash Sachet (free sample)'],
  ['SMP-CAT', 'Printed Catalog (free sample)'], ['SMP-TEA', 'Loose-Leaf Tea Sachet (free sample)'],
];

/** ~`target` products (at least the hazmat and sample ones), in a stable order. */
export function demoProducts(rng: Rng, warehouses: readonly string[], target = 300): DemoProduct[] {
  const out: DemoProduct[] = [];
  let ns = 240000;
  const nsId = () => String((ns += 7));
  const fixed = HAZMAT.length + SAMPLES.length;
  let style = 1000;
  const usedNames = new Set<string>();
  while (out.length < target - fixed) {
    const apparel = rng.chance(0.65);
    style++;
    if (apparel) {
      const [code, garment, low, high] = rng.pick(GARMENTS);
      const name = uniqueName(usedNames, `${rng.pick(FITS)} ${rng.pick(FABRICS)} ${garment}`);
      const price = round2(rng.int(low, high) - 0.05 * (rng.chance(0.5) ? 1 : 0));
      const colors = rng.shuffle(COLORS).slice(0, rng.int(1, 3));
      const sizes = rng.chance(0.2) ? ['OS'] : SIZES.slice(rng.int(0, 1), rng.int(4, 5));
      for (const [cc, cn] of colors) for (const size of sizes) {
        out.push({
          id: `${code}-${style}-${cc}-${size}`, name: `${name}, ${cn}, ${size === 'OS' ? 'One Size' : size}`,
          hazmat: false, sample: false, warehouseId: null, netsuiteItemId: nsId(), price, kind: 'apparel',
        });
      }
    } else {
      const [code, item, low, high, bulky] = rng.pick(HOME_ITEMS);
      const name = uniqueName(usedNames, `${rng.pick(HOME_MATERIALS)} ${item}`);
      const price = rng.int(low, high);
      // Bulky goods ship from one warehouse only ("Assign Warehouse by Product").
      const warehouseId = bulky || rng.chance(0.08) ? rng.pick(warehouses) : null;
      for (const [cc, cn] of rng.shuffle(COLORS).slice(0, rng.int(1, 2))) {
        out.push({
          id: `${code}-${style}-${cc}`, name: `${name}, ${cn}`, hazmat: false, sample: false, warehouseId, netsuiteItemId: nsId(), price, kind: 'home',
        });
      }
    }
  }
  out.length = Math.min(out.length, target - fixed);
  for (const [code, name, price] of HAZMAT) {
    // Hazmat lines live in the central DC (the one certified for them), a few elsewhere too.
    const warehouseId = rng.chance(0.5) ? warehouses[1] ?? warehouses[0] : null;
    out.push({ id: `HZ-${code}`, name, hazmat: true, sample: false, warehouseId, netsuiteItemId: nsId(), price, kind: 'hazmat' });
  }
  for (const [code, name] of SAMPLES) {
    out.push({ id: code, name, hazmat: false, sample: true, warehouseId: null, netsuiteItemId: nsId(), price: 0, kind: 'sample' });
  }
  return out;
}

const EDITIONS = ['II', 'Studio', 'Signature', 'Travel', 'Plus', 'Lite'];

function uniqueName(used: Set<string>, name: string): string {
  let n = name;
  for (let i = 0; used.has(n); i++) n = `${name} ${EDITIONS[i % EDITIONS.length]}${i >= EDITIONS.length ? ` ${Math.floor(i / EDITIONS.length) + 1}` : ''}`;
  used.add(n);
  return n;
}
