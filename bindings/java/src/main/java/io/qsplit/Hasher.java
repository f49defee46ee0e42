package io.qsplit;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A native MD5 hasher (libcrypto's MD5 fetched once). Not thread-safe: one per thread, or
 * use the pooled static methods of {@link Qsplit}.
 */
public final class Hasher implements AutoCloseable {
    private static final int MD5 = 0;
    private static final int QHASH = 1;
    private static final int FINGERPRINT = 2;

    static {
        NativeLoader.load();
    }

    private long handle;

    public Hasher() {
        handle = nNew();
    }

    private static native long nNew();

    private static native void nFree(long handle);

    private static native byte[] nHash(long handle, int kind, byte[] data, int dialect);

    public String qhash(byte[] sql, int dialect) {
        return hash(QHASH, sql, dialect);
    }

    public String fingerprintHash(byte[] sql, int dialect) {
        return hash(FINGERPRINT, sql, dialect);
    }

    public String md5Hex(byte[] data) {
        return hash(MD5, data, 0);
    }

    private String hash(int kind, byte[] data, int dialect) {
        Objects.requireNonNull(data, "data");
        if (handle == 0)
            throw new IllegalStateException("hasher is closed");
        return new String(nHash(handle, kind, data, dialect), StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        if (handle != 0) {
            nFree(handle);
            handle = 0;
        }
    }
}
