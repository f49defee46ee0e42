// Reliability.java — the Java face under load and faults (issue 5); run by
// tests/reliability/java_reliability.py, which compiles it against the built qsplit.jar.
//
//   leak CALLS               JNI calls (hash, split, normalize) after a warm-up; RSS sampled
//   write LOG PROC THREADS N a logback context whose QuerySplitAppender appends to LOG while
//                            THREADS threads log N MyBatis statements each
//   verify LOG PROCS THREADS N  every record whole, QHash = hash(sql), each exactly once
//   deleted DIR N            query.log is deleted while the appender has it open
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.status.Status;
import io.qsplit.Qsplit;
import io.qsplit.SplitConfig;
import io.qsplit.Splitter;
import io.qsplit.logback.QuerySplitAppender;

public final class Reliability {
    static final String MAPPER = "com.example.mapper.UserMapper.selectById";
    static final String PAD = " AND c = 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'";

    /** What the appender forwards: counted, and kept for the checks. */
    static final class Sink extends AppenderBase<ILoggingEvent> {
        final AtomicLong events = new AtomicLong();
        final AtomicLong hashed = new AtomicLong();
        final AtomicLong unchanged = new AtomicLong();
        final List<String> odd = new ArrayList<>();

        @Override
        protected void append(ILoggingEvent e) {
            events.incrementAndGet();
            String m = e.getFormattedMessage();
            if (m.matches("(?s)==>  Preparing: \"QHash\":\"[0-9a-f]{32}\""))
                hashed.incrementAndGet();
            else if (m.startsWith("==>  Preparing: SELECT p"))
                unchanged.incrementAndGet();
            else
                synchronized (odd) {
                    odd.add(m);
                }
        }
    }

    static String statement(int proc, int thread, int i) {
        StringBuilder b = new StringBuilder("SELECT p").append(proc).append(", t").append(thread)
            .append(", i").append(i).append(" FROM t WHERE x = ?");
        int reps = i % 16 == 0 ? (i * 7919) % 1100 : i % 8; // every 16th up to ~70 KB
        for (int k = 0; k < reps; k++)
            b.append(PAD);
        return b.toString();
    }

    static long rssKiB() throws IOException {
        for (String l : Files.readAllLines(Paths.get("/proc/self/status")))
            if (l.startsWith("VmRSS:"))
                return Long.parseLong(l.replaceAll("[^0-9]", ""));
        return -1;
    }

    static LoggerContext context(String queryLog, Sink sink, QuerySplitAppender[] out) {
        LoggerContext ctx = new LoggerContext();
        sink.setContext(ctx);
        sink.setName("SINK");
        sink.start();
        QuerySplitAppender app = new QuerySplitAppender();
        app.setContext(ctx);
        app.setName("SQL");
        app.setQueryLog(queryLog);
        app.addAppender(sink);
        app.start();
        Logger l = ctx.getLogger(MAPPER);
        l.setLevel(Level.DEBUG);
        l.setAdditive(false);
        l.addAppender(app);
        out[0] = app;
        return ctx;
    }

    static void leak(long calls) throws Exception {
        try (SplitConfig cfg = new SplitConfig(); Splitter s = new Splitter(cfg)) {
            long warm = calls / 5;
            long base = 0, peak = 0;
            List<String> samples = new ArrayList<>();
            for (long i = 0; i < warm + calls; i++) {
                String sql = "SELECT id, name FROM users WHERE id = " + (i % 1000) + " AND x = ?";
                if (Qsplit.hash(sql).length() != 32)
                    throw new AssertionError("hash");
                Splitter.Result r = s.event(MAPPER, "==>  Preparing: " + sql, "main", null);
                if (r == null || r.query == null)
                    throw new AssertionError("split");
                if (Qsplit.normalize(sql).isEmpty())
                    throw new AssertionError("normalize");
                if (i == warm) {
                    System.gc();
                    base = rssKiB();
                }
                if (i > warm && (i - warm) % (calls / 10) == 0) {
                    long r0 = rssKiB();
                    peak = Math.max(peak, r0);
                    samples.add(Long.toString(r0));
                }
            }
            // No System.gc() here: a full collection maps GC structures of its own (a few MiB
            // once), which would read as growth; the samples say whether native memory grows.
            long end = rssKiB();
            peak = Math.max(peak, end);
            System.out.printf("leak: %d iterations (hash + split event + normalize each) after "
                + "%d warm-up; RSS KiB after warm-up %d, samples [%s], end %d, growth %d KiB "
                + "(%.3f bytes/iteration)%n", calls, warm, base, String.join(" ", samples), end,
                end - base, (end - base) * 1024.0 / calls);
            if (end - base > 8 * 1024)
                throw new AssertionError("RSS grew by " + (end - base) + " KiB");
        }
    }

    static void write(String log, int proc, int threads, int n) throws Exception {
        Sink sink = new Sink();
        QuerySplitAppender[] app = new QuerySplitAppender[1];
        LoggerContext ctx = context(log, sink, app);
        Logger l = ctx.getLogger(MAPPER);
        AtomicInteger failures = new AtomicInteger();
        Thread[] t = new Thread[threads];
        for (int k = 0; k < threads; k++) {
            final int id = k;
            t[k] = new Thread(() -> {
                try {
                    for (int i = 0; i < n; i++)
                        l.debug("==>  Preparing: {}", statement(proc, id, i));
                } catch (RuntimeException e) {
                    failures.incrementAndGet();
                }
            });
            t[k].start();
        }
        for (Thread x : t)
            x.join();
        app[0].stop();
        for (Status s : ctx.getStatusManager().getCopyOfStatusList())
            if (s.getLevel() == Status.ERROR)
                throw new AssertionError("appender error: " + s.getMessage());
        long want = (long) threads * n;
        System.out.printf("write: process %d, %d threads x %d events: %d forwarded, %d as "
            + "QHash lines, %d unchanged, %d other, %d exceptions%n", proc, threads, n,
            sink.events.get(), sink.hashed.get(), sink.unchanged.get(), sink.odd.size(),
            failures.get());
        if (sink.events.get() != want || sink.hashed.get() != want || failures.get() != 0)
            throw new AssertionError("not every event was split and forwarded");
    }

    static void verify(String log, int procs, int threads, int n) throws Exception {
        byte[][][] seen = new byte[procs][threads][n];
        long lines = 0, torn = 0, badHash = 0, dups = 0, missing = 0, bytes = 0;
        String head = "{\"QHash\":\"";
        try (BufferedReader r = Files.newBufferedReader(Paths.get(log), StandardCharsets.UTF_8)) {
            for (String line; (line = r.readLine()) != null;) {
                lines++;
                bytes += line.length() + 1;
                // {"QHash":"<32 hex>","sql":"<sql>"}: our statements need no JSON escape
                int q = head.length() + 32;
                if (!line.startsWith(head) || line.length() < q + 10
                    || !line.startsWith("\",\"sql\":\"", q) || !line.endsWith("\"}")
                    || line.indexOf('\\') >= 0) {
                    torn++;
                    continue;
                }
                String hash = line.substring(head.length(), q);
                String sql = line.substring(q + 9, line.length() - 2);
                java.util.regex.Matcher m = java.util.regex.Pattern
                    .compile("^SELECT p(\\d+), t(\\d+), i(\\d+) FROM t").matcher(sql);
                if (!m.find()) {
                    torn++;
                    continue;
                }
                int p = Integer.parseInt(m.group(1)), t = Integer.parseInt(m.group(2)),
                    i = Integer.parseInt(m.group(3));
                if (p >= procs || t >= threads || i >= n || !sql.equals(statement(p, t, i))) {
                    torn++;
                    continue;
                }
                if (!Qsplit.hash(sql).equals(hash))
                    badHash++;
                if (seen[p][t][i]++ > 0)
                    dups++;
            }
        }
        for (byte[][] a : seen)
            for (byte[] b : a)
                for (byte c : b)
                    if (c == 0)
                        missing++;
        System.out.printf("verify: %d records (%d bytes) from %d JVMs x %d threads: %d torn, "
            + "%d wrong QHash, %d duplicated, %d lost%n", lines, bytes, procs, threads, torn,
            badHash, dups, missing);
        if (lines != (long) procs * threads * n || torn + badHash + dups + missing != 0)
            throw new AssertionError("query.log is not every record exactly once");
    }

    static void deleted(String dir, int n) throws Exception {
        Path log = Paths.get(dir, "query.log");
        Sink sink = new Sink();
        QuerySplitAppender[] app = new QuerySplitAppender[1];
        LoggerContext ctx = context(log.toString(), sink, app);
        Logger l = ctx.getLogger(MAPPER);
        for (int i = 0; i < n; i++)
            l.debug("==>  Preparing: {}", statement(0, 0, i));
        Files.delete(log);
        for (int i = 0; i < n; i++)
            l.debug("==>  Preparing: {}", statement(0, 1, i));
        l.info("still running");
        app[0].stop();
        long after = Files.exists(log) ? Files.readAllLines(log).size() : -1;
        System.out.printf("deleted: %d events before and %d after query.log was deleted: %d "
            + "forwarded (%d as QHash lines, %d unchanged, %d other); query.log after: %s%n",
            n, n, sink.events.get(), sink.hashed.get(), sink.unchanged.get(), sink.odd.size(),
            after < 0 ? "absent (the statements after the delete went to the unlinked file)"
                : after + " lines (reopened)");
        if (sink.events.get() != 2L * n + 1)
            throw new AssertionError("events were lost");
        if (after < (long) n && sink.hashed.get() > n)
            throw new AssertionError("statements after the delete are only in an unlinked "
                + "file, but their console lines carry a QHash: " + (sink.hashed.get() - n)
                + " statements cannot be looked up");
    }

    public static void main(String[] a) throws Exception {
        switch (a[0]) {
        case "leak": leak(Long.parseLong(a[1])); break;
        case "write":
            write(a[1], Integer.parseInt(a[2]), Integer.parseInt(a[3]), Integer.parseInt(a[4]));
            break;
        case "verify":
            verify(a[1], Integer.parseInt(a[2]), Integer.parseInt(a[3]), Integer.parseInt(a[4]));
            break;
        case "deleted": deleted(a[1], Integer.parseInt(a[2])); break;
        default: throw new IllegalArgumentException(a[0]);
        }
    }
}
