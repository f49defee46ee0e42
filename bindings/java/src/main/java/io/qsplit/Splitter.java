package io.qsplit;

import java.nio.charset.StandardCharsets;

/**
 * Splits one logging event at a time (a native {@code qs_splitter}). Not thread-safe: one
 * per thread at a time (pool them). The config must stay open while the splitter is used.
 */
public final class Splitter implements AutoCloseable {
    static {
        NativeLoader.load();
    }

    private long handle;
    private final SplitConfig config; // keeps the config reachable as long as we are

    public Splitter(SplitConfig config) {
        this.config = config;
        handle = nNew(config.handle());
    }

    private static native long nNew(long config);

    private static native void nFree(long handle);

    private static native byte[][] nEvent(long handle, byte[] logger, byte[] message,
        byte[] thread, byte[] ts);

    private static native byte[] nEventAppend(long handle, long querylog, byte[] logger,
        byte[] message, byte[] thread, byte[] ts);

    private static native long[] nStats(long handle);

    /** The outcome of an event that carried SQL. */
    public static final class Result {
        /** The replacement message, ending in {@code "QHash":"<hash>"}. */
        public final String console;
        /** The query.log line (ending in '\n'), or null when deduped. */
        public final byte[] query;

        Result(String console, byte[] query) {
            this.console = console;
            this.query = query;
        }
    }

    /** Split one event; null when it carries no SQL. thread and ts may be null. */
    public Result event(String logger, String message, String thread, String ts) {
        byte[][] r = nEvent(handle(), utf8(logger), utf8(message), utf8(thread), utf8(ts));
        return r == null ? null : new Result(new String(r[0], StandardCharsets.UTF_8), r[1]);
    }

    /**
     * The appender's path, one native call: split, append the query.log line to log, return
     * the UTF-8 replacement message (null when no SQL). Throws QsplitException when the
     * append fails, in which case nothing was replaced.
     */
    public byte[] eventAppend(QueryLog log, byte[] logger, byte[] message, byte[] thread,
        byte[] ts) {
        return nEventAppend(handle(), log.handle(), logger, message, thread, ts);
    }

    /** {sql_records, query_records, distinct_qhash, invalid_utf8} of this splitter. */
    public long[] stats() {
        return nStats(handle());
    }

    public SplitConfig config() {
        return config;
    }

    private long handle() {
        if (handle == 0)
            throw new IllegalStateException("splitter is closed");
        return handle;
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (handle != 0) {
            nFree(handle);
            handle = 0;
        }
    }
}
