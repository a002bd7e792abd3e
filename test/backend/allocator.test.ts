import { describe, expect, it, vi } from 'vitest';
import { LinearAllocator } from '../../src/backend/allocator.js';

type Simdgrad = typeof import('simdgrad');

const MiB = 1048576;

function allocator(maxMiB = 4): LinearAllocator {
  return new LinearAllocator(new WebAssembly.Memory({ initial: 1, maximum: maxMiB * 16 }), 1024, maxMiB * MiB);
}

describe('LinearAllocator', () => {
  it('merges a freed block with free neighbours on both sides, so a larger block fits where smaller ones were', () => {
    const heap = allocator();
    const [a, b, c, guard] = [heap.alloc(1000), heap.alloc(1000), heap.alloc(1000), heap.alloc(64)];
    heap.free(a);
    heap.free(c);
    heap.free(b);
    expect(heap.stats().bytesFree).toBe(3 * 1024);
    expect(heap.alloc(3 * 1024)).toBe(a);
    expect(guard).toBe(c + 1024);
  });

  it('lowers the top of the heap when the block under it is freed, merging with the free run below', () => {
    const heap = allocator();
    const a = heap.alloc(4096);
    const b = heap.alloc(4096);
    heap.free(a);
    heap.free(b);
    expect(heap.stats()).toMatchObject({ bytesInUse: 0, blocks: 0, bytesFree: 0 });
    expect(heap.alloc(8192)).toBe(a);
  });

  it('reuses a block of exactly the size asked for before splitting a larger one', () => {
    const heap = allocator();
    const big = heap.alloc(4096);
    heap.alloc(64);
    const small = heap.alloc(256);
    heap.alloc(64);
    heap.free(big);
    heap.free(small);
    heap.stats();
    expect(heap.alloc(256)).toBe(small);
    expect(heap.alloc(256)).toBe(big);
    expect(heap.stats().bytesFree).toBe(4096 - 256);
  });

  it('serves a size it has no freed block of from the free ranges, leaving the freed blocks of other sizes where the next step finds them', () => {
    const heap = allocator();
    const range = heap.alloc(4096);
    heap.alloc(64);
    const activations = [heap.alloc(1024), heap.alloc(2048)];
    heap.alloc(64);
    heap.free(range);
    heap.stats();
    for (const block of activations) heap.free(block);
    const merge = vi.spyOn(heap as unknown as { mergeWaiting(): void }, 'mergeWaiting');
    expect(heap.alloc(512)).toBe(range);
    expect(heap.alloc(1024)).toBe(activations[0]);
    expect(heap.alloc(2048)).toBe(activations[1]);
    expect(merge).not.toHaveBeenCalled();
  });

  it('takes room left at the top of the memory before merging freed blocks, and merges them before growing the memory', () => {
    const heap = allocator();
    const [a, b] = [heap.alloc(1024), heap.alloc(1024)];
    const filler = heap.alloc(65536 - (b + 1024) - 3072);
    heap.free(a);
    heap.free(b);
    const merge = vi.spyOn(heap as unknown as { mergeWaiting(): void }, 'mergeWaiting');
    expect(heap.alloc(2048)).toBe(filler + 65536 - (b + 1024) - 3072);
    expect(merge).not.toHaveBeenCalled();
    expect(heap.alloc(2048)).toBe(a);
    expect(merge).toHaveBeenCalledOnce();
    expect(heap.stats().memoryBytes).toBe(65536);
  });

  it('refuses to free a block twice or a pointer it never handed out', () => {
    const heap = allocator();
    const a = heap.alloc(100);
    heap.free(a);
    expect(() => heap.free(a)).toThrow(/free of block \d+, which is not allocated \(freed twice\?\)/);
    expect(() => heap.free(12345)).toThrow(/not allocated/);
  });

  it('reports the largest block that can still be allocated: a free block, or the room up to the cap', () => {
    const heap = allocator(1);
    const first = heap.alloc(300_000);
    heap.alloc(64);
    const roomAbove = heap.stats().largestFreeBlock;
    expect(roomAbove).toBe(MiB - (first + 300_032 + 64));
    heap.alloc(roomAbove);
    heap.free(first);
    expect(heap.stats().largestFreeBlock).toBe(300_032);
    expect(() => heap.alloc(300_033, 'a big tensor')).toThrow(/out of memory: a big tensor needs a block of 0\.3 MiB, but the largest free block is 0\.3 MiB/);
  });

  it('keeps blocks disjoint and the books balanced through 20,000 random allocations and frees', () => {
    const heap = allocator(16);
    const live = new Map<number, number>();
    let seed = 1;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 20_000; i++) {
      if (live.size > 0 && random() < 0.5) {
        const ptrs = [...live.keys()];
        const ptr = ptrs[Math.floor(random() * ptrs.length)]!;
        heap.free(ptr);
        live.delete(ptr);
      } else {
        const bytes = 4 + Math.floor(random() ** 3 * 200_000);
        live.set(heap.alloc(bytes), bytes);
      }
    }
    const spans = [...live].sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![0] + spans[i - 1]![1]);
    expect(heap.stats().blocks).toBe(live.size);
    for (const ptr of live.keys()) heap.free(ptr);
    expect(heap.stats()).toMatchObject({ bytesInUse: 0, blocks: 0, bytesFree: 0 });
  });
});

describe('memory through the public API', () => {
  async function freshModule(maxMemoryMiB: number): Promise<Simdgrad> {
    vi.resetModules();
    const sg = (await import('simdgrad')) as Simdgrad;
    await sg.init({ maxMemoryMiB, build: 'simd' });
    return sg;
  }

  it('serves a larger tensor from the memory of many small disposed ones', async () => {
    const sg = await freshModule(64);
    const small = [];
    for (;;) {
      try {
        small.push(sg.zeros([1000]));
      } catch (error) {
        expect(String(error)).toMatch(/out of memory/);
        break;
      }
    }
    expect(small.length).toBeGreaterThan(10_000);
    for (const t of small) t.dispose();
    const large = sg.zeros([2000]);
    expect(large.toFloat32Array().every((v) => v === 0)).toBe(true);
    expect(sg.memory().largestFreeBlock).toBeGreaterThan(60 * MiB);
  });

  it('does not free a block twice when a disposed tensor is detached and disposed again', async () => {
    const sg = await freshModule(64);
    const t = sg.rand([16]);
    t.dispose();
    expect(() => t.detach()).toThrow(/simdgrad: cannot detach a disposed tensor \(shape \[16\]\)/);
    const a = sg.full([16], 1);
    const b = sg.full([16], 2);
    expect(a.ptr).not.toBe(b.ptr);
    expect(a.toArray()).toEqual(Array(16).fill(1));
  });
});
