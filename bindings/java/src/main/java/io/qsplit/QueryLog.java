package io.qsplit;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

/**
 * An append-only query.log (O_APPEND; each append is one write(2) of whole records, so
 * records of threads and processes sharing the file never interleave). {@link #append} is
 * thread-safe; {@link #close} must not race with it.
 */
public final class QueryLog implements AutoCloseable {
    static {
        NativeLoader.load();
    }

    private volatile long handle;

    private QueryLog(long handle) {
        this.handle = handle;
    }

    private static native long nOpen(byte[] path, int mode);

    private static native void nClose(long handle);

    private static native void nAppend(long handle, byte[] data, int off, int len);

    private static native byte[][] nParse(byte[] line);

    /** Open (create with mode, 0 meaning 0640) for appending. */
    public static QueryLog open(Path path, int mode) {
        byte[] p = path.toString().getBytes(StandardCharsets.UTF_8);
        return new QueryLog(nOpen(p, mode));
    }

    /** Append whole records (each ending in '\n'). Throws QsplitException (ENOSPC, EIO). */
    public void append(byte[] records) {
        append(records, 0, records.length);
    }

    public void append(byte[] records, int off, int len) {
        Objects.requireNonNull(records, "records");
        nAppend(handle(), records, off, len);
    }

    long handle() {
        long h = handle;
        if (h == 0)
            throw new IllegalStateException("query log is closed");
        return h;
    }

    /** One record of a query.log line, as parsed by the core. */
    public static final class Record {
        public final String qhash;
        public final byte[] sql;

        Record(String qhash, byte[] sql) {
            this.qhash = qhash;
            this.sql = sql;
        }

        public String sqlString() {
            return new String(sql, StandardCharsets.UTF_8);
        }
    }

    /** Parse one query.log line; null when it is not a query.log record. */
    public static Record parse(byte[] line) {
        byte[][] r = nParse(Objects.requireNonNull(line));
        if (r == null)
            return null;
        return new Record(new String(r[0], StandardCharsets.US_ASCII), r[1]);
    }

    @Override
    public void close() {
        long h = handle;
        if (h != 0) {
            handle = 0;
            nClose(h);
        }
    }
}
