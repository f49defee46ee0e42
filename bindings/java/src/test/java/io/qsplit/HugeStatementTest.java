package io.qsplit;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.Test;

/** A 20 MB statement (a giant IN list) goes through hashing and the splitter whole. */
public class HugeStatementTest {
    private static final int TARGET = 20 << 20;

    /** raw: values separated by ",\n    "; normalized: the same with ", ". */
    private static String[] build() {
        StringBuilder raw = new StringBuilder(TARGET + 64);
        StringBuilder norm = new StringBuilder(TARGET + 64);
        raw.append("SELECT *\n  FROM orders\n WHERE id IN (");
        norm.append("SELECT * FROM orders WHERE id IN (");
        for (int i = 0; raw.length() < TARGET; i++) {
            if (i > 0) {
                raw.append(",\n    ");
                norm.append(", ");
            }
            raw.append(i);
            norm.append(i);
        }
        raw.append(")\n;\n");
        norm.append(")");
        return new String[] {raw.toString(), norm.toString()};
    }

    @Test
    public void hashOfTwentyMegabytes() {
        String[] s = build();
        assertTrue(s[0].length() >= TARGET);
        assertEquals(TestSupport.md5(s[1].getBytes(StandardCharsets.UTF_8)), Qsplit.hash(s[0]));
        assertEquals(s[1], Qsplit.normalize(s[0]));
        // The IN list collapses in the fingerprint.
        assertTrue(Qsplit.fingerprint(s[0]).length() < 100);
    }

    @Test
    public void splitterWritesItWhole() throws Exception {
        String[] s = build();
        Path dir = TestSupport.tempDir("huge");
        Path file = dir.resolve("query.log");
        try (SplitConfig cfg = new SplitConfig().setMaxRecordBytes(64L << 20);
             Splitter sp = new Splitter(cfg); QueryLog log = QueryLog.open(file, 0)) {
            byte[] console = sp.eventAppend(log, "com.example.mapper.OrderMapper.find"
                .getBytes(StandardCharsets.UTF_8),
                ("==>  Preparing: " + s[0]).getBytes(StandardCharsets.UTF_8), null, null);
            assertNotNull(console);
            String h = Qsplit.hash(s[0]);
            assertEquals("==>  Preparing: \"QHash\":\"" + h + "\"",
                new String(console, StandardCharsets.UTF_8));
        }
        List<byte[]> lines = TestSupport.lines(file);
        assertEquals(1, lines.size());
        QueryLog.Record r = QueryLog.parse(lines.get(0));
        assertNotNull(r);
        // The statement as logged, minus the line terminators the core trims at the end.
        assertTrue(s[0].startsWith(r.sqlString()));
        assertTrue(r.sql.length >= TARGET);
    }
}
