package io.qsplit.logback;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.Test;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.qsplit.TestSupport;

/** The cache of split results: bounded, never wrong, and equal to the core's results. */
public class SplitCacheTest {
    static final String MAPPER = "com.example.mapper.OrderMapper.select";

    @Test
    public void boundedAndKeyedByLoggerAndMessage() {
        SplitCache c = new SplitCache(100);
        assertEquals(128, c.capacity());
        for (int i = 0; i < 10_000; i++) {
            String m = "==>  Preparing: SELECT " + i;
            c.put(new SplitCache.Entry(SplitCache.hash("L", m), "L", m, "c" + i, null));
        }
        int found = 0;
        for (int i = 0; i < 10_000; i++) {
            String m = "==>  Preparing: SELECT " + i;
            SplitCache.Entry e = c.get(SplitCache.hash("L", m), "L", m);
            if (e != null) {
                assertEquals("c" + i, e.console);
                found++;
            }
        }
        assertTrue("at most one entry per slot: " + found, found <= c.capacity());
        assertTrue("recent entries stay: " + found, found > 0);
        String m = "==>  Preparing: SELECT 9999";
        assertNull("another logger is another key", c.get(SplitCache.hash("M", m), "M", m));
        assertNull(c.get(SplitCache.hash(null, m), null, m));
        char[] big = new char[SplitCache.MAX_CHARS + 1];
        Arrays.fill(big, 'x');
        assertEquals("too long to cache", 0, SplitCache.hash("L", new String(big)));
    }

    @Test
    public void twoKeysInOneSlotBothStay() {
        SplitCache c = new SplitCache(2);
        String a = "first", b = "second";
        // Same hash forced: both land on one slot; the displaced one moves to its neighbour.
        c.put(new SplitCache.Entry(7, null, a, "A", null));
        c.put(new SplitCache.Entry(7, null, b, "B", null));
        assertEquals("A", c.get(7, null, a).console);
        assertEquals("B", c.get(7, null, b).console);
        assertNull(c.get(7, null, "third"));
    }

    @Test
    public void concurrentUseNeverReturnsAnotherKeysEntry() throws Exception {
        SplitCache c = new SplitCache(64);
        AtomicReference<Throwable> fail = new AtomicReference<>();
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            final long seed = t;
            Thread th = new Thread(() -> {
                Random r = new Random(seed);
                try {
                    for (int i = 0; i < 200_000; i++) {
                        int k = r.nextInt(500);
                        String m = "m" + k, lg = "lg" + (k % 3);
                        int h = SplitCache.hash(lg, m);
                        SplitCache.Entry e = c.get(h, lg, m);
                        if (e == null)
                            c.put(new SplitCache.Entry(h, lg, m, "console " + k, null));
                        else if (!e.console.equals("console " + k))
                            throw new AssertionError(m + " got " + e.console);
                    }
                } catch (Throwable x) {
                    fail.compareAndSet(null, x);
                }
            });
            ts.add(th);
            th.start();
        }
        for (Thread th : ts)
            th.join();
        if (fail.get() != null)
            throw new AssertionError(fail.get());
    }

    /** The same events through an appender with the cache and one without. */
    private static final class Pair {
        final LoggerContext ctx = new LoggerContext();
        final ListAppender<ILoggingEvent> withList = new ListAppender<>();
        final ListAppender<ILoggingEvent> withoutList = new ListAppender<>();
        final QuerySplitAppender with = new QuerySplitAppender();
        final QuerySplitAppender without = new QuerySplitAppender();
        final Path withLog, withoutLog;

        Pair(String name, boolean dedupe, String fields, boolean redact) throws Exception {
            Path dir = TestSupport.tempDir("cache-" + name);
            withLog = dir.resolve("with.log");
            withoutLog = dir.resolve("without.log");
            setUp(with, withList, withLog, dedupe, fields, redact, 1024);
            setUp(without, withoutList, withoutLog, dedupe, fields, redact, 0);
        }

        void setUp(QuerySplitAppender a, ListAppender<ILoggingEvent> l, Path ql,
            boolean dedupe, String fields, boolean redact, int entries) {
            l.setContext(ctx);
            l.start();
            a.setContext(ctx);
            a.setQueryLog(ql.toString());
            a.setDedupe(dedupe);
            a.setRedact(redact);
            a.setFields(fields);
            a.setSqlLoggers("com.example.sql.*");
            a.setCacheEntries(entries);
            a.addAppender(l);
            a.start();
        }

        void log(String logger, String msg) {
            LoggingEvent ev = new LoggingEvent("t", ctx.getLogger(logger), Level.DEBUG, msg,
                null, null);
            with.doAppend(ev);
            without.doAppend(ev);
        }

        void stop() {
            with.stop();
            without.stop();
        }
    }

    private static List<String> messages() {
        List<String> ms = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ms.add("==>  Preparing: SELECT id, name\n  FROM users\n WHERE id = ? -- " + (i % 7));
            ms.add("==> Parameters: " + i + "(Long)");
            ms.add("boundSql : UPDATE t SET a = '" + (i % 5) + "', b = 'ünï😀'");
            ms.add("1700000000" + (i % 3) + "|1|statement|connection 2|url jdbc:h2:mem:x|"
                + "SELECT * FROM t WHERE id = ?|SELECT * FROM t WHERE id = " + (i % 4));
            ms.add("  ==>  Preparing:    SELECT 1;  ");
        }
        return ms;
    }

    private void compare(String name, boolean dedupe, String fields, boolean redact)
        throws Exception {
        Pair p = new Pair(name, dedupe, fields, redact);
        List<String> ms = messages();
        for (int i = 0; i < ms.size(); i++) {
            p.log(i % 2 == 0 ? MAPPER : "p6spy", ms.get(i));
            p.log("com.example.sql.Raw", "select " + (i % 3) + " from dual");
        }
        p.stop();
        assertEquals(p.withoutList.list.size(), p.withList.list.size());
        int hits = 0;
        for (int i = 0; i < p.withList.list.size(); i++) {
            ILoggingEvent w = p.withList.list.get(i), wo = p.withoutList.list.get(i);
            assertEquals(wo.getClass(), w.getClass());
            assertEquals(wo.getFormattedMessage(), w.getFormattedMessage());
            // A hit hands out the cached String itself; the core makes a new one each time.
            for (int j = 0; j < i; j++) {
                if (p.withList.list.get(j).getFormattedMessage() == w.getFormattedMessage()
                    && w instanceof SplitLoggingEvent) {
                    hits++;
                    break;
                }
            }
        }
        assertTrue("the cache was used: " + hits, hits > 100);
        byte[] a = Files.readAllBytes(p.withLog), b = Files.readAllBytes(p.withoutLog);
        assertTrue(a.length > 0);
        assertEquals("query.log of " + name, new String(b, "UTF-8"), new String(a, "UTF-8"));
    }

    @Test
    public void cachedResultsEqualTheCoresWithoutDedupe() throws Exception {
        compare("plain", false, "", false);
    }

    @Test
    public void cachedResultsEqualTheCoresWithDedupe() throws Exception {
        compare("dedupe", true, "", false);
    }

    @Test
    public void cachedResultsEqualTheCoresRedactedWithLoggerAndFingerprint()
        throws Exception {
        compare("redact", false, "logger,fingerprint", true);
        compare("redact-dedupe", true, "logger,fingerprint", true);
    }

    @Test
    public void perEventFieldsTurnTheCacheOff() throws Exception {
        Pair p = new Pair("thread", false, "thread", false);
        p.log(MAPPER, "==>  Preparing: SELECT 1");
        p.log(MAPPER, "==>  Preparing: SELECT 1");
        p.stop();
        String m0 = p.withList.list.get(0).getFormattedMessage();
        String m1 = p.withList.list.get(1).getFormattedMessage();
        assertEquals(m0, m1);
        assertNotSame("split twice by the core, not cached", m0, m1);
        assertEquals(2, TestSupport.lines(p.withLog).size());
    }

    @Test
    public void dedupeFailedAppendIsRetriedNotForgotten() throws Exception {
        // /dev/full fails every append: each event must come through with its SQL. A
        // splitter whose dedupe memory holds the QHash would otherwise forward later
        // events as split although the record was never written.
        for (int entries : new int[] {0, 1024}) {
            LoggerContext ctx = new LoggerContext();
            ListAppender<ILoggingEvent> l = new ListAppender<>();
            l.setContext(ctx);
            l.start();
            QuerySplitAppender a = new QuerySplitAppender();
            a.setContext(ctx);
            a.setQueryLog("/dev/full");
            a.setDedupe(true);
            a.setCacheEntries(entries);
            a.addAppender(l);
            a.start();
            List<LoggingEvent> sent = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                LoggingEvent ev = new LoggingEvent("t", ctx.getLogger(MAPPER), Level.DEBUG,
                    "==>  Preparing: SELECT * FROM t WHERE a = ?", null, null);
                sent.add(ev);
                a.doAppend(ev);
            }
            a.stop();
            assertEquals(5, l.list.size());
            for (int i = 0; i < 5; i++)
                assertSame("cache " + entries + ", event " + i, sent.get(i), l.list.get(i));
            assertFalse(ctx.getStatusManager().getCopyOfStatusList().isEmpty());
            assertNotNull(a);
        }
    }
}
