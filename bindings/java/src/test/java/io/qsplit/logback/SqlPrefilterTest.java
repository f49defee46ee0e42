package io.qsplit.logback;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.Test;

import io.qsplit.SplitConfig;
import io.qsplit.Splitter;

/**
 * The pre-filter, built from the core's quick test, may skip an event only when the C core
 * finds no SQL in it: checked against the core on messages built from the pieces its
 * recognizers look for (the core's test-quick proves the same on the real-world corpus).
 */
public class SqlPrefilterTest {
    static final String[] PIECES = {"==>  Preparing: ", "====>  Preparing: ", "Preparing: ",
        "==> Parameters: ", "boundSql : ", "BoundSql: ", "oundSql", "|", "||", "#", "0", "17",
        "1700000000123", "statement", "commit", "connection 3", "connection7", " | took 3ms | ",
        "ms | ", "url jdbc:h2:mem:t", "SELECT * FROM t WHERE id = ?", "SELECT 1", ";", " ",
        "\n", "\r\n", "\t", "?", "\uD800", "\uDC00", "😀", "é", "\u0000", "Executing SQL: ",
        "Run: ", "x", "-", "Time:1, ", "Query:[\"", "\"]", "Hibernate: ", "select * from t",
        "{\"name\":\"\", \"time\":1, \"query\":[\"select 1\"]}", " {executed in 3 msec}",
        "Execute SQL: "};
    static final String[] LOGGERS = {"com.example.mapper.M", "p6spy", "p6spyx", "", null,
        "com.example.sql.Raw", "com.example.sqlx", "org.jooq.tools.LoggerListener",
        "we\uD800ird", "we?ird", "wé😀", "wé😀x"};

    private static String randomMessage(Random r) {
        StringBuilder sb = new StringBuilder();
        int n = r.nextInt(9);
        for (int i = 0; i < n; i++)
            sb.append(PIECES[r.nextInt(PIECES.length)]);
        return sb.toString();
    }

    private static void check(List<String> loggers, List<String> markers, boolean builtin,
        long seed, boolean expectSkips) {
        int skipped = 0, sql = 0;
        try (SplitConfig cfg = new SplitConfig()) {
            for (String l : loggers)
                cfg.setOption("sql-logger", l);
            for (String m : markers)
                cfg.setOption("sql-regex", QuerySplitAppender.markerRegex(m));
            cfg.setOption("builtin", Boolean.toString(builtin));
            SqlPrefilter f = new SqlPrefilter(cfg.quickRules());
            try (Splitter s = new Splitter(cfg)) {
                Random r = new Random(seed);
                for (int i = 0; i < 100_000; i++) {
                    String lg = LOGGERS[r.nextInt(LOGGERS.length)];
                    String msg = randomMessage(r);
                    boolean core = s.event(lg, msg, null, null) != null;
                    boolean may = f.mayCarrySql(lg, msg);
                    if (core && !may)
                        throw new AssertionError("skipped SQL: logger " + lg + ", message ["
                            + msg + "], loggers " + loggers + ", markers " + markers);
                    skipped += may ? 0 : 1;
                    sql += core ? 1 : 0;
                }
            }
        }
        assertTrue("both kinds occur: sql " + sql + ", skipped " + skipped,
            sql > 100 && (expectSkips ? skipped > 100 : skipped == 0));
    }

    @Test
    public void builtinOnly() {
        check(Collections.emptyList(), Collections.emptyList(), true, 1, true);
    }

    @Test
    public void loggersAndMarkers() {
        check(Arrays.asList("com.example.sql.*", "org.jooq.tools.LoggerListener", "wé😀"),
            Arrays.asList("Executing SQL: ", "Run: "), true, 2, true);
        check(Arrays.asList("com.example.sql.*"), Arrays.asList("Run: "), false, 3, true);
        // A '?' in a logger could match a lone surrogate's '?': pass everything. A marker's
        // literal is cut before its '?' (a prefix of it is still needed).
        check(Arrays.asList("we?ird"), Collections.emptyList(), true, 4, false);
        check(Arrays.asList("we\uD800ird"), Collections.emptyList(), true, 6, false);
        check(Collections.emptyList(), Arrays.asList("SQL?"), true, 5, true);
    }

    private static SqlPrefilter filter(String... options) {
        try (SplitConfig cfg = new SplitConfig()) {
            for (int i = 0; i < options.length; i += 2)
                cfg.setOption(options[i], options[i + 1]);
            return new SqlPrefilter(cfg.quickRules());
        }
    }

    @Test
    public void commonNonSqlEventsAreSkipped() {
        SqlPrefilter f = filter();
        assertFalse(f.mayCarrySql("m", "==> Parameters: 42(Long), PAID(String)"));
        assertFalse(f.mayCarrySql("m", "<==      Total: 3"));
        assertFalse(f.mayCarrySql("m", "Started Application in 3.2 seconds"));
        assertFalse(f.mayCarrySql("m", "a | b"));
        assertTrue(f.mayCarrySql("m", "==>  Preparing: SELECT 1"));
        assertTrue(f.mayCarrySql("p6spy", "a | b"));
        // datasource-proxy's JSON entries from a named logger (the hand-written filter missed
        // them)
        assertTrue(f.mayCarrySql("net.ttddyy.dsproxy.listener.logging.SLF4JQueryLoggingListener",
            "{\"name\":\"ds\", \"time\":1, \"query\":[\"select 1\"], \"params\":[[]]}"));
        assertTrue(filter("sql-regex", "(?i)q=(?<sql>.+)").mayCarrySql("m", "anything"));
        assertFalse(filter("builtin", "false").mayCarrySql("", "select 1 from t"));
    }
}
