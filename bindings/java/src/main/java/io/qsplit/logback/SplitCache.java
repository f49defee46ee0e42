package io.qsplit.logback;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The core's results for recently seen SQL messages: (logger, message) to the replacement
 * message and, when every event must write one, the query.log record. Both are pure
 * functions of the logger and the message once no per-event field (ts, thread) is
 * configured, so a hit returns exactly what the core would.
 *
 * <p>Bounded: a fixed array of slots, each key at most {@link #MAX_CHARS} characters. Two
 * slots per key (its own and its neighbour), the newest entry in the first, so two hot
 * statements sharing a slot do not evict each other. Thread-safe without a lock: entries
 * are immutable and slots are atomic references; a race can only lose an entry (a later
 * miss asks the core again), never return a wrong one.
 *
 * <p>A message is cached on its second sighting only (a doorkeeper remembers one key hash
 * per slot): a log of statements that never repeat (literals inlined) then costs a hash
 * and a probe per event, not an entry and the record's copy.
 */
final class SplitCache {
    /** Messages longer than this are not cached (bounds the memory to slots * MAX_CHARS). */
    static final int MAX_CHARS = 4096;

    static final class Entry {
        final int hash;
        final String logger;
        final String message;
        final String console;
        /** The query.log record to append on each hit, null with dedupe. */
        final byte[] record;

        Entry(int hash, String logger, String message, String console, byte[] record) {
            this.hash = hash;
            this.logger = logger;
            this.message = message;
            this.console = console;
            this.record = record;
        }
    }

    private final AtomicReferenceArray<Entry> slots;
    private final int mask;
    // Plain ints: a racy read or write can only admit a key once more or once less.
    private final int[] sighted;

    /** At least entries slots (rounded up to a power of two, at least 2). */
    SplitCache(int entries) {
        int n = 2;
        while (n < entries && n < (1 << 30))
            n <<= 1;
        slots = new AtomicReferenceArray<>(n);
        sighted = new int[n];
        mask = n - 1;
    }

    /** True when this key hash was sighted before (cache it now), else remember it. */
    boolean admit(int hash) {
        int i = hash & mask;
        if (sighted[i] == hash)
            return true;
        sighted[i] = hash;
        return false;
    }

    int capacity() {
        return slots.length();
    }

    private static final VarHandle LONGS =
        MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long MIX = 0x9E3779B97F4A7C15L;

    /**
     * The key's hash, or 0 when the message is not cacheable (too long). Every event's
     * message is a new String, so String.hashCode (a serial multiply per char, about
     * 0.9 ns/char) would cost a third of a split; this hashes 8 bytes per multiply. Chars
     * outside Latin-1 hash as '?': a weaker hash for them, never a wrong hit (equals
     * decides).
     */
    static int hash(String logger, String message) {
        if (message.length() > MAX_CHARS)
            return 0;
        byte[] b = message.getBytes(StandardCharsets.ISO_8859_1);
        int n = b.length, i = 0;
        long h = n * MIX + (logger == null ? 0 : logger.hashCode());
        for (; i + 8 <= n; i += 8)
            h = (h ^ (long) LONGS.get(b, i)) * MIX;
        for (; i < n; i++)
            h = (h ^ b[i]) * MIX;
        int r = (int) (h ^ (h >>> 29) ^ (h >>> 47));
        return r == 0 ? 1 : r;
    }

    Entry get(int hash, String logger, String message) {
        int i = hash & mask;
        Entry e = slots.get(i);
        if (matches(e, hash, logger, message))
            return e;
        e = slots.get(i ^ 1);
        return matches(e, hash, logger, message) ? e : null;
    }

    private static boolean matches(Entry e, int hash, String logger, String message) {
        return e != null && e.hash == hash && e.message.equals(message)
            && (e.logger == null ? logger == null : e.logger.equals(logger));
    }

    /** Put e in its first slot; the entry it displaces moves to the neighbour slot. */
    void put(Entry e) {
        int i = e.hash & mask;
        Entry old = slots.getAndSet(i, e);
        if (old != null && !matches(old, e.hash, e.logger, e.message))
            slots.set(i ^ 1, old);
    }
}
