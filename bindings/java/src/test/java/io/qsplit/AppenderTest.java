package io.qsplit;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.After;
import org.junit.Test;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.qsplit.logback.SplitLoggingEvent;

public class AppenderTest extends AppenderTestBase {
    static final String MAPPER = "com.example.mapper.UserMapper.selectById";
    static final String SQL = "SELECT id, name\n  FROM users\n WHERE id = ?";

    @After
    public void tearDown() {
        if (ctx != null)
            ctx.stop();
    }

    private Path queryLog(String name) throws Exception {
        return TestSupport.tempDir(name).resolve("logs").resolve("query.log");
    }

    private List<QueryLog.Record> records(Path file) throws Exception {
        List<QueryLog.Record> out = new ArrayList<>();
        for (byte[] line : TestSupport.lines(file)) {
            QueryLog.Record r = QueryLog.parse(line);
            assertNotNull("not a record: " + new String(line, StandardCharsets.UTF_8), r);
            out.add(r);
        }
        return out;
    }

    @Test
    public void myBatisStatementIsSplit() throws Exception {
        Path ql = queryLog("mybatis");
        newAppender(ql.toString()).start();
        Logger log = logger(MAPPER);
        log.debug("==>  Preparing: {}", SQL);
        log.debug("==> Parameters: {}(Integer)", 42);
        log.debug("<==      Total: 1");
        assertEquals(3, list.list.size());
        ILoggingEvent e = list.list.get(0);
        assertTrue(e instanceof SplitLoggingEvent);
        String h = Qsplit.hash(SQL);
        assertEquals("==>  Preparing: \"QHash\":\"" + h + "\"", e.getFormattedMessage());
        assertEquals(e.getFormattedMessage(), e.getMessage());
        assertNull(e.getArgumentArray());
        assertEquals("==>  Preparing: " + SQL,
            ((SplitLoggingEvent) e).getOriginal().getFormattedMessage());
        assertFalse(list.list.get(1) instanceof SplitLoggingEvent);
        assertEquals("==> Parameters: 42(Integer)", list.list.get(1).getFormattedMessage());
        assertFalse(list.list.get(2) instanceof SplitLoggingEvent);
        List<QueryLog.Record> recs = records(ql);
        assertEquals(1, recs.size());
        assertEquals(h, recs.get(0).qhash);
        assertEquals(SQL, recs.get(0).sqlString());
        assertTrue(errors().toString(), errors().isEmpty());
    }

    @Test
    public void nonSqlEventIsTheSameObject() throws Exception {
        newAppender(queryLog("same").toString()).start();
        logger("com.example.Service");
        LoggingEvent ev = event("com.example.Service", "Started Application in {} s", null, 2.5);
        app.doAppend(ev);
        assertEquals(1, list.list.size());
        assertSame(ev, list.list.get(0));
    }

    @Test
    public void mdcMarkerThrowableAndMetadataArePreserved() throws Exception {
        newAppender(queryLog("mdc").toString()).start();
        Throwable boom = new IllegalStateException("boom");
        LoggingEvent ev = event(MAPPER, "==>  Preparing: " + SQL, boom);
        Marker marker = MarkerFactory.getMarker("SQL_MARKER");
        ev.setMarker(marker);
        Map<String, String> mdc = new HashMap<>();
        mdc.put("traceId", "abc123");
        ev.setMDCPropertyMap(mdc);
        ev.setThreadName("http-nio-8080-exec-7");
        ev.setTimeStamp(1_700_000_000_123L);
        app.doAppend(ev);
        ILoggingEvent out = list.list.get(0);
        assertTrue(out instanceof SplitLoggingEvent);
        assertSame(marker, out.getMarker());
        assertSame(ev.getThrowableProxy(), out.getThrowableProxy());
        assertEquals("boom", out.getThrowableProxy().getMessage());
        assertEquals(mdc, out.getMDCPropertyMap());
        assertEquals("http-nio-8080-exec-7", out.getThreadName());
        assertEquals(1_700_000_000_123L, out.getTimeStamp());
        assertEquals(MAPPER, out.getLoggerName());
        assertSame(ev.getLevel(), out.getLevel());
        assertSame(ev.getLoggerContextVO(), out.getLoggerContextVO());
    }

    @Test
    public void p6spyOutOfTheBox() throws Exception {
        Path ql = queryLog("p6spy");
        newAppender(ql.toString()).start();
        Logger p6 = logger("p6spy");
        String prepared = "SELECT * FROM users WHERE id = ?";
        String real = "SELECT * FROM users WHERE id = 7";
        p6.info("1700000000123|2|statement|connection 3|url jdbc:h2:mem:t|" + prepared + "|" + real);
        p6.info("1700000000124|0|commit|connection 3|url jdbc:h2:mem:t||");
        assertEquals(2, list.list.size());
        String h = consoleHash(list.list.get(0).getFormattedMessage());
        assertNotNull(list.list.get(0).getFormattedMessage(), h);
        assertFalse(list.list.get(1) instanceof SplitLoggingEvent);
        List<QueryLog.Record> recs = records(ql);
        assertEquals(1, recs.size());
        assertEquals(h, recs.get(0).qhash);
        assertEquals(h, Qsplit.hash(recs.get(0).sqlString()));
        assertTrue(recs.get(0).sqlString().equals(real) || recs.get(0).sqlString().equals(prepared));
    }

    @Test
    public void configuredLoggersAndMarkers() throws Exception {
        Path ql = queryLog("custom");
        newAppender(ql.toString());
        app.setSqlLoggers("org.jooq.tools.LoggerListener, com.example.sql.*");
        app.setMarkers("Executing SQL: ");
        app.start();
        logger("org.jooq.tools.LoggerListener").debug("select 1\n from dual");
        logger("com.example.sql.Audit").debug("update t set a = 1");
        logger("com.example.Dao").info("Executing SQL: SELECT 2\n  FROM dual");
        logger("com.example.Dao").info("Nothing to execute");
        assertEquals(4, list.list.size());
        List<QueryLog.Record> recs = records(ql);
        assertEquals(3, recs.size());
        String[] sql = {"select 1\n from dual", "update t set a = 1", "SELECT 2\n  FROM dual"};
        for (int i = 0; i < 3; i++) {
            String msg = list.list.get(i).getFormattedMessage();
            assertEquals(msg, Qsplit.hash(sql[i]), consoleHash(msg));
            assertEquals(Qsplit.hash(sql[i]), recs.get(i).qhash);
        }
        assertTrue(list.list.get(2).getFormattedMessage().startsWith("Executing SQL: "));
        assertFalse(list.list.get(3) instanceof SplitLoggingEvent);
    }

    /**
     * Joran trims option values, so "Executing SQL: " arrives as "Executing SQL:": the
     * blanks after a marker in the message stay on the console whatever the value ends with,
     * and a marker followed by blanks only is not a statement.
     */
    @Test
    public void markerBlanksAreNotPartOfIt() throws Exception {
        for (String marker : new String[] {"Executing SQL: ", "Executing SQL:", "  Executing SQL:\t"}) {
            Path ql = queryLog("marker" + marker.trim().length() + marker.length());
            newAppender(ql.toString());
            app.setBuiltinDetectors(false);
            app.setMarkers(marker + ", ,Running:");
            app.start();
            Logger dao = logger("com.example.Dao");
            dao.info("Executing SQL: SELECT 2\n  FROM dual");
            dao.info("Executing SQL:\tSELECT 3");
            dao.info("Executing SQL:SELECT 4");
            dao.info("Executing SQL:   ");
            dao.info("Running:  DELETE FROM t");
            String[] sql = {"SELECT 2\n  FROM dual", "SELECT 3", "SELECT 4", null, "DELETE FROM t"};
            String[] prefix = {"Executing SQL: ", "Executing SQL:\t", "Executing SQL:", null, "Running:  "};
            assertEquals(5, list.list.size());
            for (int i = 0; i < sql.length; i++) {
                String msg = list.list.get(i).getFormattedMessage();
                if (sql[i] == null) {
                    assertFalse(msg, list.list.get(i) instanceof SplitLoggingEvent);
                    continue;
                }
                assertEquals(marker, prefix[i] + "\"QHash\":\"" + Qsplit.hash(sql[i]) + "\"", msg);
            }
            List<QueryLog.Record> recs = records(ql);
            assertEquals(4, recs.size());
            assertEquals("SELECT 3", recs.get(1).sqlString()); // no blank before the statement
            app.stop();
        }
    }

    /**
     * An attached appender that throws an Error on a split event (logback's doAppend
     * catches only Exceptions) gets the original instead; the others still get the split
     * event, the caller gets nothing, and the error is reported once.
     */
    @Test
    public void anAppenderThatThrowsOnSplitEventsGetsTheOriginal() throws Exception {
        Path ql = queryLog("thrower");
        newAppender(ql.toString());
        List<ILoggingEvent> got = new ArrayList<>();
        ch.qos.logback.core.AppenderBase<ILoggingEvent> thrower =
            new ch.qos.logback.core.AppenderBase<ILoggingEvent>() {
                @Override
                protected void append(ILoggingEvent e) {
                    if (e instanceof SplitLoggingEvent)
                        throw new NoSuchMethodError("simulated");
                    got.add(e);
                }
            };
        thrower.setContext(ctx);
        thrower.setName("THROWER");
        thrower.start();
        app.addAppender(thrower);
        app.start();
        Logger mapper = logger("com.example.mapper.UserMapper.selectById");
        for (int i = 0; i < 3; i++)
            mapper.debug("==>  Preparing: SELECT id FROM users WHERE id = ?");
        mapper.debug("==> Parameters: 1(Integer)");
        assertEquals(4, got.size());
        assertEquals(4, list.list.size());
        for (int i = 0; i < 3; i++) {
            assertTrue(list.list.get(i) instanceof SplitLoggingEvent);
            assertSame(((SplitLoggingEvent) list.list.get(i)).getOriginal(), got.get(i));
        }
        List<String> errors = errors();
        assertEquals(errors.toString(), 1, errors.size());
        assertTrue(errors.get(0), errors.get(0).contains("NoSuchMethodError"));
        app.stop();
        assertTrue(ctx.getStatusManager().getCopyOfStatusList().stream()
            .anyMatch(st -> st.getMessage().startsWith("qsplit: 2 more java.lang.NoSuchMethodError")));
    }

    /**
     * The setters go through the core's option table: a bad value is an error in logback's
     * status naming the option, and every event is then forwarded unchanged (same object).
     */
    @Test
    public void aBadOptionIsReportedByNameAndEventsPassUnchanged() throws Exception {
        String[][] bad = {{"dialect", "oracle"}, {"fields", "tss"}, {"max-record", "12"},
            {"no-such-option", "1"}, {"sql-regex", "(?<sql>x"}};
        for (String[] b : bad) {
            Path ql = queryLog("bad-" + b[0]);
            newAppender(ql.toString());
            switch (b[0]) {
            case "dialect":
                app.setDialect(b[1]);
                break;
            case "fields":
                app.setFields(b[1]);
                break;
            case "max-record":
                app.setMaxRecordBytes(Long.parseLong(b[1]));
                break;
            case "sql-regex":
                app.addSqlRegex(b[1]);
                break;
            default:
                app.addOption(b[0] + "=" + b[1]);
            }
            app.start();
            LoggingEvent e = event("com.example.mapper.M.x", "==>  Preparing: SELECT 1", null);
            app.doAppend(e);
            assertEquals(1, list.list.size());
            assertSame(b[0], e, list.list.get(0));
            List<String> errors = errors();
            assertEquals(errors.toString(), 1, errors.size());
            assertTrue(errors.get(0), errors.get(0).startsWith("qsplit: option ")
                && errors.get(0).contains(b[0]) && errors.get(0).contains("unchanged"));
            app.stop();
        }
        // Good values by the CLI's names, through the generic setter too.
        newAppender(queryLog("good-options").toString());
        app.addOption("dedupe-size=64K");
        app.setP6spyFormat("%(currentTime)|%(executionTime)|%(category)|%(sqlSingleLine)");
        app.setDialect("postgresql");
        app.setFields("ts,took_ms");
        app.start();
        assertEquals(errors().toString(), 0, errors().size());
        app.stop();
    }

    /** A split event is its own object: equals itself only, prints level and message. */
    @Test
    public void splitEventObjectMethods() throws Exception {
        newAppender(queryLog("object").toString());
        app.start();
        LoggingEvent e = event("com.example.mapper.M.x", "==>  Preparing: SELECT 1", null);
        SplitLoggingEvent a = SplitLoggingEvent.of(e, "==>  Preparing: \"QHash\":\"x\"");
        SplitLoggingEvent b = SplitLoggingEvent.of(e, "==>  Preparing: \"QHash\":\"x\"");
        assertEquals(a, a);
        assertFalse(a.equals(b));
        assertFalse(a.equals(e));
        assertEquals(System.identityHashCode(a), a.hashCode());
        assertEquals("[DEBUG] ==>  Preparing: \"QHash\":\"x\"", a.toString());
        assertSame(e, a.getOriginal());
        assertNull(a.getArgumentArray());
        assertSame(e.getLoggerContextVO(), a.getLoggerContextVO());
        assertEquals(e.getTimeStamp(), a.getTimeStamp());
    }

    @Test
    public void redactDedupeAndFields() throws Exception {
        Path ql = queryLog("redact");
        newAppender(ql.toString());
        app.setRedact(true);
        app.setDedupe(true);
        app.setFields("ts,thread,logger,fingerprint");
        app.start();
        Logger log = logger(MAPPER);
        String sql = "SELECT * FROM users WHERE name = 'alice' AND id IN (1, 2, 3)";
        log.debug("==>  Preparing: " + sql);
        log.debug("==>  Preparing: " + sql);
        assertEquals(2, list.list.size());
        String h = Qsplit.hash(sql);
        assertEquals(h, consoleHash(list.list.get(0).getFormattedMessage()));
        assertEquals(h, consoleHash(list.list.get(1).getFormattedMessage()));
        List<byte[]> lines = TestSupport.lines(ql);
        assertEquals("deduped", 1, lines.size());
        String line = new String(lines.get(0), StandardCharsets.UTF_8);
        assertFalse(line, line.contains("alice"));
        assertTrue(line, line.contains("\"thread\":\"" + Thread.currentThread().getName() + "\""));
        assertTrue(line, line.contains("\"logger\":\"" + MAPPER + "\""));
        assertTrue(line, line.contains("\"ts\":\""));
        assertTrue(line, line.contains("\"FHash\":\"" + Qsplit.fingerprintHash(sql) + "\""));
        assertEquals(h, QueryLog.parse(lines.get(0)).qhash);
    }

    @Test
    public void manyThreadsThroughTheAppender() throws Exception {
        Path ql = queryLog("threads");
        newAppender(ql.toString()).start();
        Logger log = logger(MAPPER);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            final int id = t;
            Thread th = new Thread(() -> {
                for (int i = 0; i < 1000; i++)
                    log.debug("==>  Preparing: SELECT {}\n  FROM t{}", id * 100000 + i, id);
            });
            ts.add(th);
            th.start();
        }
        for (Thread th : ts)
            th.join();
        List<QueryLog.Record> recs = records(ql);
        assertEquals(8000, recs.size());
        Set<String> hashes = new HashSet<>();
        for (QueryLog.Record r : recs) {
            assertEquals(Qsplit.hash(r.sqlString()), r.qhash);
            hashes.add(r.qhash);
        }
        assertEquals(8000, hashes.size());
        synchronized (list) {
            assertEquals(8000, list.list.size());
            for (ILoggingEvent e : list.list)
                assertTrue(hashes.contains(consoleHash(e.getFormattedMessage())));
        }
    }

    @Test
    public void unwritableQueryLogForwardsTheOriginal() throws Exception {
        // /dev/full opens for appending and fails every write with ENOSPC.
        newAppender("/dev/full").start();
        logger(MAPPER);
        List<LoggingEvent> sent = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            LoggingEvent ev = event(MAPPER, "==>  Preparing: SELECT " + i + " FROM dual", null);
            sent.add(ev);
            app.doAppend(ev);
        }
        assertEquals(50, list.list.size());
        for (int i = 0; i < 50; i++)
            assertSame(sent.get(i), list.list.get(i));
        List<String> errs = errors();
        assertEquals("rate-limited: " + errs, 1, errs.size());
        assertTrue(errs.get(0), errs.get(0).contains("/dev/full"));
    }

    @Test
    public void unopenableQueryLogForwardsEverything() throws Exception {
        newAppender("/proc/qsplit-no-such-dir/query.log").start();
        assertTrue(app.isStarted());
        assertFalse(errors().isEmpty());
        logger(MAPPER);
        LoggingEvent ev = event(MAPPER, "==>  Preparing: " + SQL, null);
        app.doAppend(ev);
        assertSame(ev, list.list.get(0));
    }

    @Test
    public void stopWhileThreadsLog() throws Exception {
        // close() must wait for splitters in use: no native call on freed memory, and
        // every event forwarded split has its record in query.log.
        Path ql = queryLog("race");
        newAppender(ql.toString()).start();
        Logger log = logger(MAPPER);
        java.util.concurrent.atomic.AtomicBoolean go =
            new java.util.concurrent.atomic.AtomicBoolean(true);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            final int id = t;
            Thread th = new Thread(() -> {
                for (int i = 0; go.get() || i < 2000; i++)
                    log.debug("==>  Preparing: SELECT {} FROM t{}", i, id);
            });
            ts.add(th);
            th.start();
        }
        Thread.sleep(200);
        app.stop();
        go.set(false);
        for (Thread th : ts)
            th.join();
        int split = 0;
        synchronized (list) {
            for (ILoggingEvent e : list.list)
                split += e instanceof SplitLoggingEvent ? 1 : 0;
        }
        assertTrue(split > 0);
        assertEquals(split, records(ql).size());
    }

    @Test
    public void messagesOverMaxRecordBytesPassUnsplit() throws Exception {
        Path ql = queryLog("limit");
        newAppender(ql.toString());
        app.setMaxRecordBytes(1024);
        app.start();
        logger(MAPPER);
        String fits = "==>  Preparing: SELECT '" + "x".repeat(900) + "'";
        String bytesOver = "==>  Preparing: SELECT '" + "é".repeat(600) + "'"; // 600 chars
        String charsOver = "==>  Preparing: SELECT '" + "x".repeat(2000) + "'";
        for (String m : new String[] {fits, bytesOver, charsOver, fits}) {
            LoggingEvent ev = event(MAPPER, m, null);
            app.doAppend(ev);
            ILoggingEvent out = list.list.get(list.list.size() - 1);
            if (m == fits)
                assertTrue(out instanceof SplitLoggingEvent);
            else
                assertSame(ev, out);
        }
        assertEquals(2, records(ql).size());
    }

    @Test
    public void stopClosesAndStopsChildren() throws Exception {
        Path ql = queryLog("stop");
        newAppender(ql.toString()).start();
        logger(MAPPER).debug("==>  Preparing: SELECT 1");
        app.stop();
        assertFalse(list.isStarted());
        assertFalse(app.isStarted());
        assertEquals(1, records(ql).size());
        assertTrue(Files.size(ql) > 0);
    }
}
