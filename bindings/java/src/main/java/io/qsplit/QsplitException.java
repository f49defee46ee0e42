package io.qsplit;

import java.nio.charset.StandardCharsets;

/** A libqsplit error: the stable negative {@code QS_E*} code and the C library's message. */
public class QsplitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public static final int EINVAL = -1;
    public static final int ENOMEM = -2;
    public static final int EIO = -3;
    public static final int ENOSPC = -4;
    public static final int ERANGE = -5;
    public static final int EPATTERN = -6;
    public static final int ECRYPTO = -7;
    public static final int EJSON = -8;
    public static final int ECALLBACK = -9;
    public static final int ESTATE = -10;
    public static final int ENOTFOUND = -11;

    private final int code;

    public QsplitException(int code, String message) {
        super(message);
        this.code = code;
    }

    /* Called from the JNI shim: the C message arrives as UTF-8 bytes (a path in it may be
     * any bytes), decoded with replacement rather than through modified UTF-8. */
    QsplitException(int code, byte[] utf8Message) {
        this(code, new String(utf8Message, StandardCharsets.UTF_8));
    }

    /** The negative {@code QS_E*} code. */
    public int code() {
        return code;
    }
}
