package io.qsplit;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.charset.StandardCharsets;

import org.junit.Test;

/** Strings cross as real UTF-8: non-BMP characters and NUL bytes arrive intact. */
public class UnicodeTest {
    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    public void whitespaceCollapsesAsTheContractSays() {
        assertEquals(TestSupport.md5(utf8("SELECT * FROM t WHERE a = 1")),
            Qsplit.hash("  SELECT *\n\t FROM t\r\n WHERE a = 1 ;\n"));
        assertEquals("SELECT * FROM t", Qsplit.normalize("SELECT *\n  FROM t;"));
    }

    @Test
    public void nonBmpCharactersAreHashedAsUtf8() {
        String sql = "SELECT 'h\u00e9llo \u4e16\u754c \ud83d\ude00' FROM \"t\ud834\udd1e\"";
        // 4-byte sequences, not modified UTF-8's surrogate pairs (6 bytes).
        assertTrue(new String(Qsplit.normalize(utf8(sql), 0), StandardCharsets.UTF_8)
            .contains("\ud83d\ude00"));
        assertEquals(sql, Qsplit.normalize(sql));
        assertEquals(TestSupport.md5(utf8(sql)), Qsplit.hash(sql));
    }

    @Test
    public void quotedWhitespaceIsKept() {
        String sql = "SELECT '\ud83d\ude00  \n x'  FROM t";
        assertEquals("SELECT '\ud83d\ude00  \n x' FROM t", Qsplit.normalize(sql));
    }

    @Test
    public void embeddedNulIsHashedNotCut() {
        byte[] sql = utf8("SELECT 'a\u0000b' FROM t");
        assertEquals(0, sql[9]);
        assertArrayEquals(sql, Qsplit.normalize(sql, 0));
        assertEquals(TestSupport.md5(sql), Qsplit.hash(sql, 0));
        byte[] cut = utf8("SELECT 'a");
        assertTrue(!TestSupport.md5(cut).equals(Qsplit.hash(sql, 0)));
    }

    @Test
    public void md5OfBytesAsGiven() {
        byte[] junk = {(byte) 0xff, 0, (byte) 0xc3, 0x28, 'x'};
        assertEquals(TestSupport.md5(junk), Qsplit.md5Hex(junk));
        assertEquals(TestSupport.md5(new byte[0]), Qsplit.md5Hex(new byte[0]));
    }

    @Test
    public void splitterKeepsUnicodeAndNul() {
        try (SplitConfig cfg = new SplitConfig(); Splitter sp = new Splitter(cfg)) {
            String sql = "SELECT '\ud83d\ude00\u0000z'\n  FROM users";
            Splitter.Result r = sp.event("com.example.mapper.UserMapper.selectById",
                "==>  Preparing: " + sql, "main", null);
            assertNotNull(r);
            String h = Qsplit.hash(sql);
            assertEquals("==>  Preparing: \"QHash\":\"" + h + "\"", r.console);
            QueryLog.Record rec = QueryLog.parse(r.query);
            assertNotNull(rec);
            assertEquals(h, rec.qhash);
            assertEquals("SELECT '\ud83d\ude00\u0000z'\n  FROM users", rec.sqlString());
            long[] st = sp.stats();
            assertEquals(1, st[0]); // sql_records
            assertEquals(1, st[1]); // query_records
        }
    }

    @Test
    public void invalidUtf8StillGivesAValidRecord() {
        try (SplitConfig cfg = new SplitConfig(); Splitter sp = new Splitter(cfg)) {
            // A String cannot hold invalid UTF-8, but an unpaired surrogate encodes as '?';
            // the core's own U+FFFD policy is tested in C. Here: no crash, a parsable line.
            Splitter.Result r = sp.event("x", "==>  Preparing: SELECT '\ud800'", null, null);
            assertNotNull(r);
            assertNotNull(QueryLog.parse(r.query));
        }
    }

    @Test
    public void garbageNeverBreaksTheSplitter() {
        // Random text after the MyBatis and p6spy markers: quotes and comments unterminated,
        // NULs, control characters, unpaired surrogates, non-BMP characters.
        String alphabet = "'\"`/*-#;$\\ \n\r\t\u0000\u0001\u00e9\ud800\udc00|?";
        java.util.Random r = new java.util.Random(7);
        String[] prefixes = {"==>  Preparing: ", "boundSql : ", "", "1|2|statement|connection 1|"};
        int split = 0;
        try (SplitConfig cfg = new SplitConfig(); Splitter sp = new Splitter(cfg)) {
            for (int n = 0; n < 5000; n++) {
                StringBuilder sb = new StringBuilder(prefixes[n % prefixes.length]);
                int len = r.nextInt(200);
                for (int i = 0; i < len; i++) {
                    if (r.nextInt(4) == 0)
                        sb.appendCodePoint(0x1f600 + r.nextInt(50));
                    else
                        sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
                }
                Splitter.Result res = sp.event(n % 2 == 0 ? "p6spy" : "m.Mapper", sb.toString(),
                    null, null);
                if (res != null && res.query != null) {
                    assertNotNull(sb.toString(), QueryLog.parse(res.query));
                    split++;
                }
            }
        }
        assertTrue("only " + split + " split", split > 1000);
    }

    @Test
    public void nulInConfigStringIsRejected() {
        try (SplitConfig cfg = new SplitConfig()) {
            cfg.addSqlLogger("a\u0000b");
            fail("a NUL in a logger name must not be cut silently");
        } catch (QsplitException e) {
            assertEquals(QsplitException.EINVAL, e.code());
        }
    }

    @Test
    public void badRegexCarriesTheCMessage() {
        try (SplitConfig cfg = new SplitConfig()) {
            cfg.addSqlRegex("(?<sql>[unclosed");
            fail("bad regex accepted");
        } catch (QsplitException e) {
            assertEquals(QsplitException.EPATTERN, e.code());
            assertTrue(e.getMessage(), e.getMessage().length() > 5);
        }
    }

    @Test
    public void nonSqlEventGivesNull() {
        try (SplitConfig cfg = new SplitConfig(); Splitter sp = new Splitter(cfg)) {
            assertNull(sp.event("com.example.Service", "Started Application in 2.1 s", null, null));
            assertNull(sp.event("com.example.mapper.UserMapper.selectById",
                "==> Parameters: 1(Integer)", null, null));
        }
    }
}
