package io.qsplit;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * How SQL is recognized and what query.log records carry (a native {@code qs_config}).
 * Build it on one thread, then share it read-only; it must stay open while any
 * {@link Splitter} made from it is in use.
 */
public final class SplitConfig implements AutoCloseable {
    /** query.log gets the fingerprint instead of the literal-bearing SQL. */
    public static final int FLAG_REDACT = 0x01;
    /** A QHash's record is written the first time only (per splitter, bounded). */
    public static final int FLAG_DEDUPE = 0x02;
    public static final int FIELD_TIMESTAMP = 0x10;
    public static final int FIELD_THREAD = 0x20;
    public static final int FIELD_LOGGER = 0x40;
    public static final int FIELD_FINGERPRINT = 0x80;

    private static final int LOGGER = 0;
    private static final int REGEX = 1;
    private static final int RECORD_PATTERN = 2;
    private static final int SET_FLAGS = 0;
    private static final int SET_DIALECT = 1;
    private static final int SET_BUILTIN = 2;
    private static final int SET_LIMIT_RECORD = 3;
    private static final int SET_LIMIT_DEDUPE = 4;

    static {
        NativeLoader.load();
    }

    private long handle;
    private int flags;

    public SplitConfig() {
        handle = nNew();
    }

    private static native long nNew();

    private static native void nFree(long handle);

    private static native void nAddString(long handle, int what, byte[] value);

    private static native void nSet(long handle, int what, long value);

    private static native void nSetOption(long handle, byte[] name, byte[] value);

    private static native byte[][] nQuickRules(long handle);

    private static native long nGetFlags(long handle);

    /** The flags as the core holds them (after setOption("fields", ...) and the like). */
    public int coreFlags() {
        return (int) nGetFlags(handle());
    }

    /**
     * An option by its name in the core's table, as the CLI's flags and qsplit-push's YAML
     * give it: {@code setOption("max-record", "8M")}, {@code ("sql-logger", "org.x.SQL")},
     * {@code ("builtin", "false")}. An unknown name, or a value of the wrong type or out of
     * bounds, throws a QsplitException whose message starts with the option's name.
     */
    public SplitConfig setOption(String name, String value) {
        nSetOption(handle(), utf8(name), utf8(value));
        return this;
    }

    /**
     * The core's quick test for this configuration (qs_config_quick_rule), one byte[] per
     * term: [test, 1 if it ends its rule, UTF-8 text...]. Read once; see SqlPrefilter.
     */
    public byte[][] quickRules() {
        return nQuickRules(handle());
    }

    /** Every message of this logger is SQL; a trailing '*' matches a prefix. */
    public SplitConfig addSqlLogger(String logger) {
        nAddString(handle(), LOGGER, utf8(logger));
        return this;
    }

    /** A PCRE2 message regex whose named group {@code sql} is the statement. */
    public SplitConfig addSqlRegex(String pattern) {
        nAddString(handle(), REGEX, utf8(pattern));
        return this;
    }

    /** Replace the record-start pattern (null restores the default). */
    public SplitConfig setRecordPattern(String pattern) {
        nAddString(handle(), RECORD_PATTERN, pattern == null ? null : utf8(pattern));
        return this;
    }

    /** An OR of FLAG_* and FIELD_*. */
    public SplitConfig setFlags(int flags) {
        nSet(handle(), SET_FLAGS, flags & 0xffffffffL);
        this.flags = flags;
        return this;
    }

    public int flags() {
        return flags;
    }

    public SplitConfig setDialect(int dialect) {
        nSet(handle(), SET_DIALECT, dialect);
        return this;
    }

    public SplitConfig setBuiltinDetectors(boolean enabled) {
        nSet(handle(), SET_BUILTIN, enabled ? 1 : 0);
        return this;
    }

    /** Larger messages pass through unsplit (the core's default is 8 MiB). */
    public SplitConfig setMaxRecordBytes(long bytes) {
        nSet(handle(), SET_LIMIT_RECORD, bytes);
        return this;
    }

    /** QHashes remembered for dedupe (the core's default is 65536). */
    public SplitConfig setDedupeEntries(long entries) {
        nSet(handle(), SET_LIMIT_DEDUPE, entries);
        return this;
    }

    long handle() {
        if (handle == 0)
            throw new IllegalStateException("config is closed");
        return handle;
    }

    private static byte[] utf8(String s) {
        return Objects.requireNonNull(s).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (handle != 0) {
            nFree(handle);
            handle = 0;
        }
    }
}
