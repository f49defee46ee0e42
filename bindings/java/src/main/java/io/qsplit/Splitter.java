package io.qsplit;

import java.nio.charset.StandardCharsets;

/**
 * Splits one logging event at a time (a native {@code qs_splitter}). Not thread-safe: one
 * per thread at a time (pool them). The config must stay open while the splitter is used.
 *
 * <p>With a {@link QueryLog} (given at construction or by {@link #setQueryLog}) the core
 * appends each SQL event's query.log record itself, in the same native call that splits
 * it: one write(2) per event, whole records. Many splitters may share one QueryLog; it must
 * stay open while they use it.
 */
public final class Splitter implements AutoCloseable {
    static {
        NativeLoader.load();
    }

    private long handle;
    private final SplitConfig config; // keeps the config reachable as long as we are
    private QueryLog log; // where the core appends records; null: nowhere

    public Splitter(SplitConfig config) {
        this.config = config;
        handle = nNew(config.handle());
    }

    /** A splitter that appends each SQL event's query.log record to log itself. */
    public Splitter(SplitConfig config, QueryLog log) {
        this(config);
        try {
            setQueryLog(log);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Where the core appends each SQL event's query.log record from now on (null: nowhere,
     * {@link #event} only returns it). Batch 0: every record is written by the call that
     * split it, so nothing waits in memory.
     */
    public void setQueryLog(QueryLog log) {
        nSetQueryLog(handle(), log == null ? 0 : log.handle());
        this.log = log;
    }

    public QueryLog queryLog() {
        return log;
    }

    private static native long nNew(long config);

    private static native void nFree(long handle);

    private static native byte[][] nEvent(long handle, byte[] logger, byte[] message,
        byte[] thread, byte[] ts);

    private static native void nSetQueryLog(long handle, long querylog);

    private static native byte[] nSplit(long handle, byte[] logger, byte[] message,
        byte[] thread, byte[] ts);

    private static native long[] nStats(long handle);

    /** The outcome of an event that carried SQL. */
    public static final class Result {
        /** The replacement message, ending in {@code "QHash":"<hash>"}. */
        public final String console;
        /**
         * The query.log line (ending in '\n'), or null when deduped. With a query log set,
         * it has been appended already.
         */
        public final byte[] query;

        Result(String console, byte[] query) {
            this.console = console;
            this.query = query;
        }
    }

    /**
     * Split one event; null when it carries no SQL. thread and ts may be null. With a query
     * log set, the record is appended by this call (QsplitException when that fails).
     */
    public Result event(String logger, String message, String thread, String ts) {
        long h = handle();
        checkLog();
        byte[][] r = nEvent(h, utf8(logger), utf8(message), utf8(thread), utf8(ts));
        return r == null ? null : new Result(new String(r[0], StandardCharsets.UTF_8), r[1]);
    }

    /**
     * The appender's path, one native call: split, the core appends the query.log record to
     * this splitter's query log (if set), and the UTF-8 replacement message comes back (null
     * when no SQL). Throws QsplitException when the append fails, in which case nothing was
     * replaced.
     */
    public byte[] split(byte[] logger, byte[] message, byte[] thread, byte[] ts) {
        long h = handle();
        checkLog();
        return nSplit(h, logger, message, thread, ts);
    }

    /**
     * Split and append the record to log, returning the UTF-8 replacement message (null when
     * no SQL). One native call when log is this splitter's query log; else, as before the
     * splitter could own one, a split and a separate append. Kept for callers of 0.1;
     * superseded by giving the splitter its query log ({@link #Splitter(SplitConfig,
     * QueryLog)} or {@link #setQueryLog}) and calling {@link #split}. Not annotated
     * deprecated, so that code built with -Werror keeps building.
     */
    public byte[] eventAppend(QueryLog log, byte[] logger, byte[] message, byte[] thread,
        byte[] ts) {
        if (log == this.log)
            return split(logger, message, thread, ts);
        long h = handle();
        checkLog();
        byte[][] r = nEvent(h, logger, message, thread, ts);
        if (r == null)
            return null;
        if (r[1] != null)
            log.append(r[1]); // (a query log of the splitter's own has it as well)
        return r[0];
    }

    /** A closed query log would be freed memory to the core: refuse before the call. */
    private void checkLog() {
        QueryLog l = log;
        if (l != null)
            l.handle();
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
