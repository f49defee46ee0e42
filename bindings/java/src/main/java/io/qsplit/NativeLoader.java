package io.qsplit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Loads libqsplit_jni once per class loader, in the order the well-known JNI libraries use:
 * <ol>
 * <li>the file named by the system property {@value #PATH_PROPERTY} (authoritative: if it is
 * set and does not load, nothing else is tried, so a misconfiguration is not hidden);</li>
 * <li>{@code System.loadLibrary("qsplit_jni")} from {@code java.library.path};</li>
 * <li>the jar's own resource {@code /native/<os>/<arch>/libqsplit_jni.so}, copied to a unique
 * temporary file (owner-only permissions) that is deleted as soon as it is mapped.</li>
 * </ol>
 * {@code <os>} is {@code linux}, {@code darwin} or {@code windows}; {@code <arch>} is
 * {@code amd64} (x86_64) or {@code aarch64} (arm64), else {@code os.arch} as reported.
 * A library that loads counts only if MD5 works: it opens the host's libcrypto.so.3 or
 * libcrypto.so.1.1 itself, and without one it is reported as not loaded.
 */
public final class NativeLoader {
    public static final String PATH_PROPERTY = "qsplit.native.path";
    public static final String LIBRARY = "qsplit_jni";

    private static boolean loaded;
    private static Throwable failure;
    private static String source;

    private NativeLoader() {
    }

    /** Load the library, or throw UnsatisfiedLinkError (the same one on every call). */
    public static synchronized void load() {
        if (loaded)
            return;
        if (failure != null)
            throw asError(failure);
        try {
            source = doLoad();
            loaded = true;
        } catch (Throwable t) {
            failure = t;
            throw asError(t);
        }
    }

    /** True when the library is (or can now be) loaded; never throws. */
    public static boolean isAvailable() {
        try {
            load();
            return true;
        } catch (Throwable t) {
            return false;
        }
    }

    /** Why the library could not be loaded, or null. */
    public static synchronized Throwable failure() {
        return failure;
    }

    /** Where the library came from ("property:…", "library-path", "resource:…") or null. */
    public static synchronized String source() {
        return source;
    }

    static String os() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.startsWith("linux"))
            return "linux";
        if (os.startsWith("mac") || os.startsWith("darwin"))
            return "darwin";
        if (os.startsWith("windows"))
            return "windows";
        return os.replaceAll("[^a-z0-9]", "");
    }

    static String arch() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        switch (arch) {
        case "amd64":
        case "x86_64":
        case "x86-64":
            return "amd64";
        case "aarch64":
        case "arm64":
            return "aarch64";
        default:
            return arch;
        }
    }

    /** The resource path of the library inside the jar for this platform. */
    public static String resourcePath() {
        return "/native/" + os() + "/" + arch() + "/" + System.mapLibraryName(LIBRARY);
    }

    private static native void nCheck();

    /** The library's run-time dependency, libcrypto's MD5, works; else UnsatisfiedLinkError. */
    private static String checked(String source) {
        try {
            nCheck();
        } catch (QsplitException e) {
            UnsatisfiedLinkError u = new UnsatisfiedLinkError(
                "qsplit: the native library (" + source + ") loaded, but " + e.getMessage());
            u.initCause(e);
            throw u;
        }
        return source;
    }

    private static UnsatisfiedLinkError asError(Throwable t) {
        if (t instanceof UnsatisfiedLinkError)
            return (UnsatisfiedLinkError) t;
        UnsatisfiedLinkError e = new UnsatisfiedLinkError("qsplit: " + t);
        e.initCause(t);
        return e;
    }

    private static String doLoad() throws IOException {
        String path = System.getProperty(PATH_PROPERTY);
        if (path != null && !path.isEmpty()) {
            System.load(Paths.get(path).toAbsolutePath().toString());
            return checked("property:" + path);
        }
        UnsatisfiedLinkError fromPath = null;
        try {
            System.loadLibrary(LIBRARY);
        } catch (UnsatisfiedLinkError e) {
            fromPath = e;
        }
        if (fromPath == null)
            return checked("library-path"); // a failed check is final, as with the property
        String res = resourcePath();
        try (InputStream in = NativeLoader.class.getResourceAsStream(res)) {
            if (in == null) {
                UnsatisfiedLinkError e = new UnsatisfiedLinkError(
                    "qsplit: no " + System.mapLibraryName(LIBRARY) + " in java.library.path ("
                    + fromPath.getMessage() + ") and no resource " + res + " in the jar");
                e.initCause(fromPath);
                throw e;
            }
            // createTempFile makes a new file with a unique name and owner-only permissions.
            Path tmp = Files.createTempFile("libqsplit_jni-", ".so");
            try {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                System.load(tmp.toAbsolutePath().toString());
            } finally {
                // A loaded library stays mapped after unlink on Linux; elsewhere: at exit.
                try {
                    Files.delete(tmp);
                } catch (IOException e) {
                    tmp.toFile().deleteOnExit();
                }
            }
        }
        return checked("resource:" + res);
    }
}
