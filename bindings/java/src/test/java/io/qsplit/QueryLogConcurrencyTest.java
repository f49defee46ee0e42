package io.qsplit;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.Test;

/**
 * Many threads appending through one QueryLog, by QueryLog.append or by splitters that own
 * it: every record present once and whole.
 */
public class QueryLogConcurrencyTest {
    private static final int THREADS = 16;
    private static final int PER_THREAD = 1500;

    @Test
    public void concurrentWritersNeverInterleave() throws Exception {
        Path file = TestSupport.tempDir("concurrent").resolve("query.log");
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        try (SplitConfig cfg = new SplitConfig(); QueryLog log = QueryLog.open(file, 0600)) {
            for (int t = 0; t < THREADS; t++) {
                final int id = t;
                Thread th = new Thread(() -> {
                    try (Splitter sp = new Splitter(cfg)) {
                        go.await();
                        for (int i = 0; i < PER_THREAD; i++) {
                            // Sizes from tens of bytes to ~64 KB so writes cross pipe/page sizes.
                            int pad = (i * 7919 + id * 104729) % (i % 50 == 0 ? 65536 : 300);
                            String sql = "SELECT '" + id + ":" + i + "', '" + "x".repeat(pad)
                                + "'\n  FROM t";
                            byte[] c = sp.eventAppend(log, "m.Mapper.x".getBytes(StandardCharsets.UTF_8),
                                ("==>  Preparing: " + sql).getBytes(StandardCharsets.UTF_8), null, null);
                            assertNotNull(c);
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
                threads.add(th);
                th.start();
            }
            go.countDown();
            for (Thread th : threads)
                th.join();
        }
        if (failure.get() != null)
            throw new AssertionError(failure.get());
        Map<String, Integer> seen = new HashMap<>();
        List<byte[]> lines = TestSupport.lines(file);
        assertEquals(THREADS * PER_THREAD, lines.size());
        for (byte[] line : lines) {
            QueryLog.Record r = QueryLog.parse(line);
            assertNotNull("torn or garbled record: " + new String(line, 0,
                Math.min(line.length, 200), StandardCharsets.UTF_8), r);
            String sql = r.sqlString();
            assertEquals(Qsplit.hash(sql), r.qhash);
            String key = sql.substring(8, sql.indexOf('\''  , 8));
            seen.merge(key, 1, Integer::sum);
        }
        assertEquals(THREADS * PER_THREAD, seen.size());
        for (int t = 0; t < THREADS; t++)
            for (int i = 0; i < PER_THREAD; i++)
                assertEquals(Integer.valueOf(1), seen.get(t + ":" + i));
        assertTrue(lines.size() > 0);
    }

    /** The same through the splitters' own query log: the core appends, one call per event. */
    @Test
    public void splittersWritingTheSharedLogNeverInterleave() throws Exception {
        Path file = TestSupport.tempDir("sink").resolve("query.log");
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        int perThread = 800;
        try (SplitConfig cfg = new SplitConfig(); QueryLog log = QueryLog.open(file, 0600)) {
            for (int t = 0; t < 8; t++) {
                final int id = t;
                Thread th = new Thread(() -> {
                    try (Splitter sp = new Splitter(cfg, log)) {
                        for (int i = 0; i < perThread; i++) {
                            String sql = "SELECT '" + id + ":" + i + "', '"
                                + "y".repeat((i * 7919 + id) % (i % 40 == 0 ? 70000 : 400)) + "'";
                            byte[] c = sp.split("m.Mapper.x".getBytes(StandardCharsets.UTF_8),
                                ("==>  Preparing: " + sql).getBytes(StandardCharsets.UTF_8), null,
                                null);
                            assertNotNull(c);
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
                threads.add(th);
                th.start();
            }
            for (Thread th : threads)
                th.join();
        }
        if (failure.get() != null)
            throw new AssertionError(failure.get());
        java.util.Set<String> keys = new java.util.HashSet<>();
        List<byte[]> lines = TestSupport.lines(file);
        for (byte[] line : lines) {
            QueryLog.Record r = QueryLog.parse(line);
            assertNotNull("torn record", r);
            String sql = r.sqlString();
            assertTrue(keys.add(sql.substring(8, sql.indexOf('\'', 8))));
        }
        assertEquals(8 * perThread, lines.size());
    }

    /** event() with a query log: appended by that call, and returned for a cache. */
    @Test
    public void eventAppendsAndReturnsTheRecord() throws Exception {
        Path file = TestSupport.tempDir("sink-event").resolve("query.log");
        try (SplitConfig cfg = new SplitConfig(); QueryLog log = QueryLog.open(file, 0);
             Splitter sp = new Splitter(cfg, log)) {
            assertTrue(sp.queryLog() == log);
            Splitter.Result r = sp.event("m.Mapper.x", "==>  Preparing: SELECT 1", null, null);
            assertNotNull(r);
            List<byte[]> lines = TestSupport.lines(file);
            assertEquals(1, lines.size());
            assertEquals(new String(r.query, StandardCharsets.UTF_8).trim(),
                new String(lines.get(0), StandardCharsets.UTF_8).trim());
            sp.setQueryLog(null); // from now on only returned
            assertNotNull(sp.event("m.Mapper.x", "==>  Preparing: SELECT 2", null, null));
            assertEquals(1, TestSupport.lines(file).size());
        }
    }

    /** A failing append is the split's exception, naming the file; the next one tries again. */
    @Test
    public void fullDiskThrowsNamingTheFile() throws Exception {
        Path full = java.nio.file.Paths.get("/dev/full");
        org.junit.Assume.assumeTrue("no /dev/full", java.nio.file.Files.exists(full));
        try (SplitConfig cfg = new SplitConfig(); QueryLog log = QueryLog.open(full, 0);
             Splitter sp = new Splitter(cfg, log)) {
            for (int i = 0; i < 2; i++) {
                try {
                    sp.split("m.Mapper.x".getBytes(StandardCharsets.UTF_8),
                        "==>  Preparing: SELECT 1".getBytes(StandardCharsets.UTF_8), null, null);
                    throw new AssertionError("no exception");
                } catch (QsplitException e) {
                    assertTrue(e.getMessage(), e.getMessage().contains("/dev/full"));
                }
            }
        }
    }

    /** A closed query log is refused before the core could touch it. */
    @Test(expected = IllegalStateException.class)
    public void closedLogIsRefused() throws Exception {
        Path file = TestSupport.tempDir("sink-closed").resolve("query.log");
        try (SplitConfig cfg = new SplitConfig()) {
            QueryLog log = QueryLog.open(file, 0);
            try (Splitter sp = new Splitter(cfg, log)) {
                log.close();
                sp.split("m.Mapper.x".getBytes(StandardCharsets.UTF_8),
                    "==>  Preparing: SELECT 1".getBytes(StandardCharsets.UTF_8), null, null);
            }
        }
    }

    @Test
    public void rawAppendsFromManyThreads() throws Exception {
        Path file = TestSupport.tempDir("raw").resolve("query.log");
        List<Thread> threads = new ArrayList<>();
        try (QueryLog log = QueryLog.open(file, 0)) {
            for (int t = 0; t < 8; t++) {
                final int id = t;
                Thread th = new Thread(() -> {
                    for (int i = 0; i < 2000; i++)
                        log.append(("{\"QHash\":\"" + TestSupport.md5(new byte[] {(byte) id, (byte) i})
                            + "\",\"sql\":\"" + id + "-" + i + "\"}\n").getBytes(StandardCharsets.UTF_8));
                });
                threads.add(th);
                th.start();
            }
            for (Thread th : threads)
                th.join();
        }
        List<byte[]> lines = TestSupport.lines(file);
        assertEquals(16000, lines.size());
        java.util.Set<String> sqls = new java.util.HashSet<>();
        for (byte[] l : lines)
            sqls.add(QueryLog.parse(l).sqlString());
        assertEquals(16000, sqls.size());
    }
}
