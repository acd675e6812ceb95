/**
 * Group commit for jobs (docs/decisions/040): items handed to `add` are run together by `runBatch`, at
 * most `maxInFlight` batches at a time, each of at most `maxBatch` items. An item waits only while every
 * slot is busy, so a quiet worker runs each item at once (batches of one) and a busy one gathers what
 * arrived meanwhile into the next batch — the busier, the larger the batches, with no timer to tune.
 *
 * - A batch that fails is run again one item at a time, so one bad item fails only its own caller (and a
 *   transient error fails each caller, who retries as it would have alone).
 * - Items with the same `key` never share a batch: the later one waits for a later batch.
 * - `runBatch` returns one result per item, in the items' order.
 */
export type BatcherOptions<I, O> = {
  maxBatch: number;
  maxInFlight: number;
  runBatch: (items: I[]) => Promise<O[]>;
  key?: (item: I) => string;
};

type Waiting<I, O> = { item: I; resolve: (out: O) => void; reject: (err: unknown) => void };

export type Batcher<I, O> = {
  add(item: I): Promise<O>;
  /** Items waiting for a slot and batches running: for tests and for shutdown logs. */
  readonly pending: number;
  readonly inFlight: number;
  /** Batches run, items in them, the largest, and items run again alone after their batch failed. */
  stats(): { batches: number; items: number; largest: number; retriedAlone: number };
};

export function createBatcher<I, O>(opts: BatcherOptions<I, O>): Batcher<I, O> {
  if (!(opts.maxBatch >= 1 && opts.maxInFlight >= 1)) throw new Error("a batcher needs maxBatch and maxInFlight of at least 1");
  const queue: Waiting<I, O>[] = [];
  let inFlight = 0;
  const counts = { batches: 0, items: 0, largest: 0, retriedAlone: 0 };

  function take(): Waiting<I, O>[] {
    const batch: Waiting<I, O>[] = [];
    const keys = new Set<string>();
    for (let i = 0; i < queue.length && batch.length < opts.maxBatch; ) {
      const key = opts.key?.(queue[i]!.item);
      if (key !== undefined && keys.has(key)) {
        i += 1;
        continue;
      }
      if (key !== undefined) keys.add(key);
      batch.push(queue.splice(i, 1)[0]!);
    }
    return batch;
  }

  async function runOne(w: Waiting<I, O>): Promise<void> {
    counts.retriedAlone += 1;
    try {
      const [out] = await checked([w]);
      w.resolve(out!);
    } catch (err) {
      w.reject(err);
    }
  }

  async function checked(batch: Waiting<I, O>[]): Promise<O[]> {
    const outs = await opts.runBatch(batch.map((w) => w.item));
    if (outs.length !== batch.length) throw new Error(`runBatch returned ${outs.length} results for ${batch.length} items`);
    return outs;
  }

  async function run(batch: Waiting<I, O>[]): Promise<void> {
    counts.batches += 1;
    counts.items += batch.length;
    counts.largest = Math.max(counts.largest, batch.length);
    try {
      const outs = await checked(batch);
      batch.forEach((w, i) => w.resolve(outs[i]!));
    } catch (err) {
      if (batch.length === 1) batch[0]!.reject(err);
      else for (const w of batch) await runOne(w);
    }
  }

  function pump(): void {
    while (inFlight < opts.maxInFlight && queue.length > 0) {
      const batch = take();
      inFlight += 1;
      void run(batch).finally(() => {
        inFlight -= 1;
        pump();
      });
    }
  }

  return {
    add(item) {
      return new Promise<O>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        pump();
      });
    },
    get pending() {
      return queue.length;
    },
    get inFlight() {
      return inFlight;
    },
    stats: () => ({ ...counts }),
  };
}
