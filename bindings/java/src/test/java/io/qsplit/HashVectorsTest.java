package io.qsplit;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import org.junit.Test;

/** The Java face gives the same N(sql) and QHash as the C test vectors. */
public class HashVectorsTest {
    private static Path vectors() {
        String dir = System.getProperty("qsplit.test.data", "tests/data");
        return Paths.get(dir, "qhash-vectors.tsv");
    }

    @Test
    public void vectorsMatch() throws Exception {
        Path file = vectors();
        assertTrue("missing " + file, Files.isRegularFile(file));
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        int checked = 0;
        for (String line : lines) {
            if (line.isEmpty() || line.startsWith("#"))
                continue;
            String[] col = line.split("\t", -1);
            assertEquals("4 columns: " + line, 4, col.length);
            if (col[3].equals("qhash"))
                continue; // header
            byte[] input = TestSupport.unescape(col[1]);
            byte[] normalized = TestSupport.unescape(col[2]);
            String name = col[0];
            assertArrayEquals(name + ": N(sql)", normalized,
                Qsplit.normalize(input, Qsplit.DIALECT_DEFAULT));
            assertEquals(name + ": qhash", col[3], Qsplit.hash(input, Qsplit.DIALECT_DEFAULT));
            // The vector itself is consistent with an independent MD5.
            assertEquals(name + ": md5(N)", col[3], TestSupport.md5(normalized));
            checked++;
        }
        assertTrue("no vectors in " + file, checked >= 5);
    }
}
