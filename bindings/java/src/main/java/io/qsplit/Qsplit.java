package io.qsplit;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Stateless entry points: the QHash, N(sql) and the fingerprint, computed by libqsplit so a
 * hash from Java equals {@code qsplit hash} of the same statement. Thread-safe: hashers come
 * from a lock-free pool (one per concurrently hashing thread, kept for reuse).
 */
public final class Qsplit {
    public static final int DIALECT_DEFAULT = 0;
    public static final int DIALECT_MYSQL = 1;
    public static final int DIALECT_POSTGRES = 2;

    private static final ConcurrentLinkedQueue<Hasher> HASHERS = new ConcurrentLinkedQueue<>();

    static {
        NativeLoader.load();
    }

    private Qsplit() {
    }

    private static native byte[] nVersion();

    private static native byte[] nStrerror(int code);

    private static native byte[] nNormalize(byte[] sql, int dialect);

    private static native byte[] nFingerprint(byte[] sql, int dialect);

    /** The version of the native library. */
    public static String version() {
        return new String(nVersion(), StandardCharsets.UTF_8);
    }

    /** qs_strerror of a QS_E* code. */
    public static String strerror(int code) {
        return new String(nStrerror(code), StandardCharsets.UTF_8);
    }

    /** The QHash of the UTF-8 encoding of sql (default dialect). */
    public static String hash(String sql) {
        return hash(sql.getBytes(StandardCharsets.UTF_8), DIALECT_DEFAULT);
    }

    /** The QHash of sql's bytes as given. */
    public static String hash(byte[] sql, int dialect) {
        Hasher h = borrow();
        try {
            return h.qhash(sql, dialect);
        } finally {
            HASHERS.offer(h);
        }
    }

    /** The grouping hash: MD5 of the fingerprint. */
    public static String fingerprintHash(String sql) {
        Hasher h = borrow();
        try {
            return h.fingerprintHash(sql.getBytes(StandardCharsets.UTF_8), DIALECT_DEFAULT);
        } finally {
            HASHERS.offer(h);
        }
    }

    /** Plain MD5 of the bytes, 32 lowercase hex digits. */
    public static String md5Hex(byte[] data) {
        Hasher h = borrow();
        try {
            return h.md5Hex(data);
        } finally {
            HASHERS.offer(h);
        }
    }

    public static String normalize(String sql) {
        return new String(normalize(sql.getBytes(StandardCharsets.UTF_8), DIALECT_DEFAULT),
            StandardCharsets.UTF_8);
    }

    /** N(sql) of the bytes as given. */
    public static byte[] normalize(byte[] sql, int dialect) {
        return nNormalize(sql, dialect);
    }

    public static String fingerprint(String sql) {
        return new String(fingerprint(sql.getBytes(StandardCharsets.UTF_8), DIALECT_DEFAULT),
            StandardCharsets.UTF_8);
    }

    public static byte[] fingerprint(byte[] sql, int dialect) {
        return nFingerprint(sql, dialect);
    }

    private static Hasher borrow() {
        Hasher h = HASHERS.poll();
        return h != null ? h : new Hasher();
    }
}
