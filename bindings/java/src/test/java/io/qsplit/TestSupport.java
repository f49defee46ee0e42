package io.qsplit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/** Helpers shared by the tests: a scratch folder, an independent MD5, file lines. */
public final class TestSupport {
    private TestSupport() {
    }

    /** A fresh folder under the build tree (qsplit.test.tmp) or the system temp folder. */
    public static Path tempDir(String name) throws IOException {
        String base = System.getProperty("qsplit.test.tmp");
        if (base == null)
            return Files.createTempDirectory("qsplit-" + name);
        Path root = Paths.get(base);
        Files.createDirectories(root);
        return Files.createTempDirectory(root, name);
    }

    /** MD5 by the JDK, as a reference independent of libqsplit. */
    public static String md5(byte[] data) {
        try {
            byte[] d = MessageDigest.getInstance("MD5").digest(data);
            StringBuilder sb = new StringBuilder();
            for (byte b : d)
                sb.append(String.format("%02x", b & 0xff));
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** The file's lines as raw bytes, split at '\n' only (a trailing part without '\n'
     * is returned too so a torn record is visible). */
    public static List<byte[]> lines(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == '\n') {
                out.add(java.util.Arrays.copyOfRange(all, start, i));
                start = i + 1;
            }
        }
        if (start < all.length)
            out.add(java.util.Arrays.copyOfRange(all, start, all.length));
        return out;
    }

    /** Decode the TSV escapes of tests/data/qhash-vectors.tsv: \\ \t \n \r \xHH. */
    public static byte[] unescape(String field) {
        byte[] in = field.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < in.length; i++) {
            byte b = in[i];
            if (b != '\\' || i + 1 >= in.length) {
                out.write(b);
                continue;
            }
            byte c = in[++i];
            switch (c) {
            case '\\':
                out.write('\\');
                break;
            case 't':
                out.write('\t');
                break;
            case 'n':
                out.write('\n');
                break;
            case 'r':
                out.write('\r');
                break;
            case 'x':
                if (i + 2 >= in.length)
                    throw new IllegalArgumentException("bad \\x escape in " + field);
                out.write(Integer.parseInt(new String(in, i + 1, 2,
                    java.nio.charset.StandardCharsets.US_ASCII), 16));
                i += 2;
                break;
            default:
                throw new IllegalArgumentException("unknown escape \\" + (char) c + " in " + field);
            }
        }
        return out.toByteArray();
    }
}
