/**
 * A board's flash used as EEPROM (FIRMWARE.md section 2): two blocks, each written whole.
 * It outlives MCU resets and power loss; only its bytes persist (serve --state saves them).
 * Fault hooks: corrupt a block, or tear the next write (power lost mid-write).
 */
import { crc8 } from '../../bus-protocol/crc8.ts';
import type { BlockName } from './flashBlocks.ts';
import type { Random } from '../random.ts';

/** Serializable contents of a board's flash: hex strings of each block ('' when blank). */
export interface FlashImage {
  config: string;
  errors: string;
}

/** The flash of one board. */
export class Flash {
  private readonly blocks: Record<BlockName, Uint8Array | undefined> = { config: undefined, errors: undefined };
  private tearNext: BlockName | 'any' | undefined;
  /** Writes so far per block (a measure of flash wear). */
  readonly writes: Record<BlockName, number> = { config: 0, errors: 0 };
  /** Called after every completed (or torn) write, e.g. to persist the image. */
  onChange: (() => void) | undefined;

  constructor(private readonly random: Random) {}

  /** Current bytes of a block (undefined when blank). */
  read(block: BlockName): Uint8Array | undefined {
    return this.blocks[block]?.slice();
  }

  /**
   * Write a whole block. When a torn write is armed for it, only a prefix of the new bytes lands
   * (the rest keeps the old contents) and the write reports `torn`: the caller then loses power.
   */
  write(block: BlockName, bytes: Uint8Array): 'ok' | 'torn' {
    this.writes[block]++;
    if (this.tearNext === block || this.tearNext === 'any') {
      this.tearNext = undefined;
      const old = this.blocks[block] ?? new Uint8Array(bytes.length).fill(0xff);
      const torn = bytes.slice();
      const cut = this.random.int(1, bytes.length - 1);
      for (let i = cut; i < torn.length; i++) torn[i] = i < old.length ? old[i]! : 0xff;
      // A tear that happens to leave a valid block (the new one, or the old one when the bytes
      // before the cut did not change) would not be a tear (F2: the CRC is left wrong): break it.
      if (crc8(torn) === 0) torn[torn.length - 1] = torn[torn.length - 1]! ^ 0xa5;
      this.blocks[block] = torn;
      this.onChange?.();
      return 'torn';
    }
    this.blocks[block] = bytes.slice();
    this.onChange?.();
    return 'ok';
  }

  /** Arm a torn write: the next write of that block (or of any block) is interrupted by power loss. */
  armTornWrite(block: BlockName | 'any' = 'any'): void {
    this.tearNext = block;
  }

  /** True while a torn write is armed. */
  get tornWriteArmed(): boolean {
    return this.tearNext !== undefined;
  }

  /** Flip bits in a block so its CRC fails at the next boot (fault injection). */
  corrupt(block: BlockName): void {
    const bytes = this.blocks[block];
    if (!bytes || bytes.length === 0) {
      this.blocks[block] = Uint8Array.of(0xde, 0xad);
    } else {
      const i = this.random.int(0, bytes.length - 1);
      bytes[i] = bytes[i]! ^ (1 << this.random.int(0, 7));
    }
    this.onChange?.();
  }

  /** The flash contents as hex (for persistence). */
  image(): FlashImage {
    const hex = (b: Uint8Array | undefined) => (b ? Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('') : '');
    return { config: hex(this.blocks.config), errors: hex(this.blocks.errors) };
  }

  /** Replace the contents from an image (hex strings; '' = blank). Throws on malformed hex. */
  load(image: FlashImage): void {
    const bytes = (hex: string, what: string): Uint8Array | undefined => {
      if (hex === '') return undefined;
      if (!/^([0-9a-fA-F]{2})+$/.test(hex)) throw new Error(`flash image ${what}: not hex bytes`);
      return Uint8Array.from(hex.match(/../g)!, (h) => parseInt(h, 16));
    };
    this.blocks.config = bytes(image.config, 'config');
    this.blocks.errors = bytes(image.errors, 'errors');
  }
}
