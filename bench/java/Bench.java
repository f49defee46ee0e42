import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import io.qsplit.logback.QuerySplitAppender;
import io.qsplit.logback.SplitLoggingEvent;

/**
 * Per-event cost of logging MyBatis statements:
 *   (a) plain logback, the full SQL to a FileAppender;
 *   (b) QuerySplitAppender (JNI into libqsplit) in front of the same FileAppender, as
 *       configured by default (its cache of split results on);
 *   (b0) the same with the cache off (cacheEntries 0): every SQL event split by the core;
 *   (c) the same split in pure Java (hand normalizer, MessageDigest MD5, hand JSON escaper,
 *       one FileChannel write per record) in front of the same FileAppender.
 * Warm-up, then the median of several measured rounds, at 1 and 8 threads. Printed per
 * event: wall time (elapsed / events) and CPU time of the logging threads (steadier on a
 * shared machine; it leaves out time blocked in the kernel queue but not syscall work).
 * Not a test: prints figures and the ratios b/a and b/c.
 */
public final class Bench {
    static final String PATTERN =
        "%d{yyyy-MM-dd HH:mm:ss.SSS} %5p 4242 --- [%15.15t] %-40.40logger{39} : %m%n";
    static final String MAPPER = "com.example.mapper.OrderMapper.selectByCustomer";

    static final int ALL_SQL = 0, TRIPLE = 1, DISTINCT = 2;

    static String[] statements(int n, long seed) {
        Random r = new Random(seed);
        String[] cols = {"o.id", "o.customer_id", "o.status", "o.total_amount", "o.created_at",
            "o.updated_at", "c.name", "c.email", "c.country", "p.sku", "p.title", "l.quantity"};
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            StringBuilder sb = new StringBuilder("SELECT ");
            int nc = 3 + r.nextInt(cols.length - 3);
            for (int c = 0; c < nc; c++)
                sb.append(c == 0 ? "" : ",\n       ").append(cols[(c + i) % cols.length]);
            sb.append("\n  FROM orders o\n  JOIN customers c ON c.id = o.customer_id\n");
            if (r.nextBoolean())
                sb.append("  LEFT JOIN order_lines l ON l.order_id = o.id\n"
                    + "  LEFT JOIN products p ON p.id = l.product_id\n");
            sb.append(" WHERE o.customer_id = ?\n   AND o.status IN ('NEW', 'PAID', 'SHIPPED')\n");
            if (r.nextInt(3) == 0)
                sb.append("   /* tenant filter */ AND o.tenant_id = ").append(i).append('\n');
            sb.append(" ORDER BY o.created_at DESC\n LIMIT ").append(10 + r.nextInt(90));
            out[i] = sb.toString();
        }
        return out;
    }

    interface Scenario {
        Appender<ILoggingEvent> front(LoggerContext ctx, FileAppender<ILoggingEvent> file,
            Path dir) throws IOException;
    }

    static FileAppender<ILoggingEvent> fileAppender(LoggerContext ctx, Path file) {
        PatternLayoutEncoder enc = new PatternLayoutEncoder();
        enc.setContext(ctx);
        enc.setPattern(PATTERN);
        enc.start();
        FileAppender<ILoggingEvent> fa = new FileAppender<>();
        fa.setContext(ctx);
        fa.setName("FILE");
        fa.setFile(file.toString());
        fa.setEncoder(enc);
        fa.start();
        return fa;
    }

    /** {wall ns per event, CPU ns per event (all logging threads)}, medians of the rounds. */
    static double[] run(String name, Scenario sc, int threads, int perThread, String[] sql,
        int shape, Path root, int rounds) throws Exception {
        double[] nsPerEvent = new double[rounds];
        double[] cpuPerEvent = new double[rounds];
        java.lang.management.ThreadMXBean mx =
            java.lang.management.ManagementFactory.getThreadMXBean();
        for (int round = -1; round < rounds; round++) { // round -1 warms up
            Path dir = Files.createTempDirectory(root, name);
            LoggerContext ctx = newContext();
            FileAppender<ILoggingEvent> file = fileAppender(ctx, dir.resolve("console.log"));
            Appender<ILoggingEvent> front = sc.front(ctx, file, dir);
            Logger log = ctx.getLogger(MAPPER);
            log.setLevel(Level.DEBUG);
            log.setAdditive(false);
            log.addAppender(front);
            int events = round < 0 ? Math.max(perThread / 2, 1000) : perThread;
            List<Thread> ts = new ArrayList<>();
            java.util.concurrent.atomic.AtomicLong cpu = new java.util.concurrent.atomic.AtomicLong();
            for (int t = 0; t < threads; t++) {
                final int id = t;
                ts.add(new Thread(() -> {
                    long c0 = mx.getCurrentThreadCpuTime();
                    for (int i = 0; i < events; i++) {
                        // triple: what MyBatis logs per statement, one event in three is SQL;
                        // distinct: every statement new (literals inlined), no repeats
                        if (shape == DISTINCT)
                            log.debug("==>  Preparing: {} AND o.id = {}",
                                sql[(i * 31 + id) % sql.length], (long) id << 32 | i);
                        else if (shape != TRIPLE || i % 3 == 0)
                            log.debug("==>  Preparing: {}", sql[(i * 31 + id) % sql.length]);
                        else if (i % 3 == 1)
                            log.debug("==> Parameters: {}(Long), {}(String)", i, "PAID");
                        else
                            log.debug("<==      Total: {}", i & 63);
                    }
                    cpu.addAndGet(mx.getCurrentThreadCpuTime() - c0);
                }, "exec-" + t));
            }
            long start = System.nanoTime();
            for (Thread t : ts)
                t.start();
            for (Thread t : ts)
                t.join();
            long ns = System.nanoTime() - start;
            ctx.stop();
            // Every event must have been written: a failing append (caught by logback,
            // reported once in the status messages) would be measured as a fast one.
            if (Files.size(dir.resolve("console.log")) == 0)
                throw new IllegalStateException(name + ": nothing written: "
                    + ctx.getStatusManager().getCopyOfStatusList());
            if (round >= 0) {
                nsPerEvent[round] = (double) ns / ((long) events * threads);
                cpuPerEvent[round] = (double) cpu.get() / ((long) events * threads);
            }
            deleteTree(dir);
        }
        Arrays.sort(nsPerEvent);
        Arrays.sort(cpuPerEvent);
        return new double[] {nsPerEvent[rounds / 2], cpuPerEvent[rounds / 2]};
    }

    /**
     * A LoggerContext made by hand. logback 1.3+ takes the MDC adapter from SLF4J's
     * initialization: without one every append fails on the MDC lookup (an exception caught
     * by logback), so it is given SLF4J's. logback 1.2's MDC is static.
     */
    static LoggerContext newContext() {
        LoggerContext ctx = new LoggerContext();
        try {
            Class<?> adapter = Class.forName("org.slf4j.spi.MDCAdapter");
            LoggerContext.class.getMethod("setMDCAdapter", adapter)
                .invoke(ctx, org.slf4j.MDC.getMDCAdapter());
        } catch (ReflectiveOperationException e) {
            // logback 1.2: no per-context adapter
        }
        return ctx;
    }

    static void deleteTree(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            s.sorted((x, y) -> y.compareTo(x)).forEach(p -> p.toFile().delete());
        }
    }

    // ---- (c): the split in pure Java, the comparison baseline ------------------------------

    static final class JavaSplitAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
        static final String MARK = "==>  Preparing: ";
        final Appender<ILoggingEvent> next;
        final FileChannel ch;
        final boolean dedupe;
        final ThreadLocal<MessageDigest> md5 = ThreadLocal.withInitial(() -> {
            try {
                return MessageDigest.getInstance("MD5");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        });
        final ThreadLocal<java.util.Set<String>> seen =
            ThreadLocal.withInitial(java.util.HashSet::new);

        JavaSplitAppender(Appender<ILoggingEvent> next, Path queryLog, boolean dedupe)
            throws IOException {
            this.next = next;
            this.dedupe = dedupe;
            ch = FileChannel.open(queryLog, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        }

        @Override
        protected void append(ILoggingEvent e) {
            String msg = e.getFormattedMessage();
            int at = msg.indexOf(MARK);
            if (at < 0) {
                next.doAppend(e);
                return;
            }
            String sql = msg.substring(at + MARK.length());
            byte[] norm = normalize(sql).getBytes(StandardCharsets.UTF_8);
            byte[] d = md5.get().digest(norm);
            StringBuilder hex = new StringBuilder(32);
            for (byte b : d) {
                hex.append(Character.forDigit((b >> 4) & 15, 16));
                hex.append(Character.forDigit(b & 15, 16));
            }
            String h = hex.toString();
            if (!dedupe || seen.get().add(h)) {
                StringBuilder line = new StringBuilder(sql.length() + 64);
                line.append("{\"QHash\":\"").append(h).append("\",\"sql\":\"");
                jsonEscape(sql, line);
                line.append("\"}\n");
                try {
                    ch.write(ByteBuffer.wrap(line.toString().getBytes(StandardCharsets.UTF_8)));
                } catch (IOException ex) {
                    next.doAppend(e);
                    return;
                }
            }
            next.doAppend(SplitLoggingEvent.of(e,
                msg.substring(0, at + MARK.length()) + "\"QHash\":\"" + h + "\""));
        }

        @Override
        public void stop() {
            super.stop();
            try {
                ch.close();
            } catch (IOException e) {
                addError("close", e);
            }
        }

        /** Whitespace runs and comments to one space outside quotes; trim; no trailing ';'. */
        static String normalize(String s) {
            StringBuilder out = new StringBuilder(s.length());
            int n = s.length();
            boolean space = false;
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c == '\'' || c == '"' || c == '`') {
                    if (space && out.length() > 0)
                        out.append(' ');
                    space = false;
                    int j = i + 1;
                    while (j < n && s.charAt(j) != c)
                        j += s.charAt(j) == '\\' && c == '\'' ? 2 : 1;
                    j = Math.min(j, n - 1);
                    out.append(s, i, j + 1);
                    i = j;
                } else if (c == '-' && i + 1 < n && s.charAt(i + 1) == '-') {
                    while (i < n && s.charAt(i) != '\n')
                        i++;
                    space = true;
                } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*'
                    && (i + 2 >= n || (s.charAt(i + 2) != '+' && s.charAt(i + 2) != '!'))) {
                    int end = s.indexOf("*/", i + 2);
                    i = end < 0 ? n : end + 1;
                    space = true;
                } else if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
                    || c == 0x0b) {
                    space = true;
                } else {
                    if (space && out.length() > 0)
                        out.append(' ');
                    space = false;
                    out.append(c);
                }
            }
            int len = out.length();
            while (len > 0 && (out.charAt(len - 1) == ';' || out.charAt(len - 1) == ' '))
                len--;
            out.setLength(len);
            return out.toString();
        }

        static void jsonEscape(String s, StringBuilder out) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                default:
                    if (c < 0x20)
                        out.append(String.format("\\u%04x", (int) c));
                    else
                        out.append(c);
                }
            }
        }
    }

    /** (b): the QuerySplitAppender; cacheEntries < 0 keeps its default. */
    static QuerySplitAppender qsplit(LoggerContext ctx, FileAppender<ILoggingEvent> file,
        Path dir, boolean dedupe, int cacheEntries) {
        QuerySplitAppender q = new QuerySplitAppender();
        q.setContext(ctx);
        q.setName("SQL");
        q.setQueryLog(dir.resolve("query.log").toString());
        q.setDedupe(dedupe);
        if (cacheEntries >= 0)
            q.setCacheEntries(cacheEntries);
        q.addAppender(file);
        q.start();
        if (!ctx.getStatusManager().getCopyOfStatusList().stream()
            .noneMatch(s -> s.getLevel() == ch.qos.logback.core.status.Status.ERROR))
            throw new IllegalStateException("QuerySplitAppender did not start cleanly: "
                + ctx.getStatusManager().getCopyOfStatusList());
        return q;
    }

    /** Implementation-Version, else Bundle-Version (Debian's jars carry only the latter). */
    static String version(Class<?> c) {
        String v = c.getPackage() == null ? null : c.getPackage().getImplementationVersion();
        if (v != null)
            return v;
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(
                 Paths.get(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toFile())) {
            v = jar.getManifest().getMainAttributes().getValue("Bundle-Version");
        } catch (Exception e) {
            v = null;
        }
        return v == null ? "?" : v;
    }

    public static void main(String[] args) throws Exception {
        int perThread1 = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Path root = Files.createTempDirectory(Paths.get(System.getProperty("java.io.tmpdir")),
            "qsplit-bench");
        String[] sql = statements(64, 42);
        long bytes = 0;
        for (String s : sql)
            bytes += s.length();
        System.out.printf("qsplit Java benchmark: %d distinct MyBatis statements, mean %d bytes;"
            + " FileAppender (immediateFlush), pattern of Spring Boot%n", sql.length,
            bytes / sql.length);
        System.out.printf("logback-classic %s (ILoggingEvent: %d methods), Java %s%n",
            version(LoggerContext.class), ILoggingEvent.class.getMethods().length,
            System.getProperty("java.version"));

        String[] titles = {
            "every event is SQL, dedupe off (a query.log record per event)",
            "every event is SQL, dedupe on (each statement's record once per splitter)",
            "MyBatis triple (Preparing, Parameters, Total), dedupe off",
            "every event a new statement (literals inlined, no repeats), dedupe off"};
        for (int mode = 0; mode < titles.length; mode++) {
            final boolean dedupe = mode == 1;
            final int shape = mode == 2 ? TRIPLE : mode == 3 ? DISTINCT : ALL_SQL;
            Scenario a = (ctx, file, dir) -> file;
            Scenario b = (ctx, file, dir) -> qsplit(ctx, file, dir, dedupe, -1);
            Scenario b0 = (ctx, file, dir) -> qsplit(ctx, file, dir, dedupe, 0);
            Scenario c = (ctx, file, dir) -> {
                JavaSplitAppender j = new JavaSplitAppender(file, dir.resolve("query.log"), dedupe);
                j.setContext(ctx);
                j.start();
                return j;
            };
            System.out.printf("%n-- %s --%n", titles[mode]);
            System.out.printf("%-8s %-5s %12s %12s %12s %14s %7s %7s %7s%n", "threads", "ns",
                "(a) logback", "(b) qsplit", "(b0) no cache", "(c) pure Java", "b/a", "b0/a",
                "b/c");
            for (int threads : new int[] {1, 8}) {
                int per = Math.max(perThread1 / threads, 1000);
                double[] ta = run("a", a, threads, per, sql, shape, root, rounds);
                double[] tb = run("b", b, threads, per, sql, shape, root, rounds);
                double[] tb0 = run("b0", b0, threads, per, sql, shape, root, rounds);
                double[] tc = run("c", c, threads, per, sql, shape, root, rounds);
                for (int k = 0; k < 2; k++)
                    System.out.printf("%-8s %-5s %12.0f %12.0f %12.0f %14.0f %7.2f %7.2f %7.2f%n",
                        k == 0 ? String.valueOf(threads) : "", k == 0 ? "wall" : "cpu", ta[k],
                        tb[k], tb0[k], tc[k], tb[k] / ta[k], tb0[k] / ta[k], tb[k] / tc[k]);
            }
        }
        deleteTree(root);
    }
}
