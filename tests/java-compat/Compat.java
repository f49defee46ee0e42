import java.io.IOException;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.pattern.CompositeConverter;
import ch.qos.logback.core.status.Status;
import io.qsplit.logback.SplitLoggingEvent;

/**
 * The compatibility scenarios of the logback appender, run on whatever logback and SLF4J are
 * on the classpath (compiled against logback 1.2 and SLF4J 1.7; what only newer versions
 * have is reached by reflection).
 *
 * <p>{@code Compat CONFIG_DIR WORK_DIR SCENARIO...}: for each scenario and each front
 * ({@code SQL}: the QuerySplitAppender straight from the root logger; {@code ASYNC}: an
 * AsyncAppender in front of it; {@code BEHIND}, where the configuration has it: an
 * AsyncAppender behind it, so split events cross the queue) it configures {@code CONFIG_DIR/SCENARIO.xml} with Joran,
 * logs the same events, resets the context (which flushes the AsyncAppender) and leaves the
 * files the configuration writes in {@code WORK_DIR/SCENARIO-FRONT/}, with
 * {@code status.txt} (logback's WARN and ERROR status messages) and, where the
 * configuration attaches a {@link Capture} appender, {@code probe.txt}. java_compat.py
 * checks the files. Exit status 1 when the probe finds a difference.
 */
public final class Compat {
    static final String MAPPER = "com.example.mapper.OrderMapper.selectById";

    /** Spring Boot's %clr with colours off (not a terminal): the text unchanged. */
    public static final class Clr extends CompositeConverter<ILoggingEvent> {
        @Override
        protected String transform(ILoggingEvent event, String in) {
            return in;
        }
    }

    /** Keeps every event it is given (the probe's view of what the appender forwards). */
    public static final class Capture extends AppenderBase<ILoggingEvent> {
        static final List<ILoggingEvent> EVENTS = Collections.synchronizedList(new ArrayList<>());

        @Override
        protected void append(ILoggingEvent e) {
            EVENTS.add(e);
        }
    }

    /**
     * An attached appender that fails on split events with an Error that logback's doAppend
     * does not catch, as an encoder linked against another event class would; the original
     * events it accepts are kept. The appender must then get the original event instead.
     */
    public static final class Thrower extends AppenderBase<ILoggingEvent> {
        static final List<ILoggingEvent> EVENTS = Collections.synchronizedList(new ArrayList<>());

        @Override
        protected void append(ILoggingEvent e) {
            if (e instanceof SplitLoggingEvent)
                throw new AbstractMethodError("Thrower: simulated encoder linked to another ILoggingEvent");
            EVENTS.add(e);
        }
    }

    static final String SQL1 = "SELECT o.id,\n       o.status,\n       o.total_amount\n"
        + "  FROM orders o\n WHERE o.id = ?";
    static final String SQL2 = "UPDATE orders SET status = 'PAID' WHERE id = ?";
    static final String SQL3 = "DELETE FROM order_lines WHERE order_id = ?";
    static final String SQL4 = "SELECT c.name FROM customers c WHERE c.id IN (?, ?, ?)";
    static final String SQL5 = "INSERT INTO audit(event, at) VALUES (?, ?)";
    static final String SQL6 = "SELECT count(*) FROM orders # per day\nWHERE created_at > ?";
    static final String SQL7 = "SELECT p.sku FROM products p WHERE p.title LIKE ?";

    /** Marker names, also checked by java_compat.py. */
    static final Marker SQL_MARKER = MarkerFactory.getMarker("SQL");
    static final Marker AUDIT = MarkerFactory.getMarker("AUDIT");

    public static void main(String[] args) throws Exception {
        Path configs = Paths.get(args[0]);
        Path work = Paths.get(args[1]);
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        boolean newApi = hasMethod(ILoggingEvent.class, "getKeyValuePairs");
        System.out.println("compat: logback-classic "
            + version(LoggerContext.class) + ", slf4j-api " + version(Logger.class)
            + ", ILoggingEvent has " + ILoggingEvent.class.getMethods().length + " methods");
        boolean failed = false;
        for (int i = 2; i < args.length; i++) {
            String scenario = args[i];
            if (scenario.equals("json") && !classExists("ch.qos.logback.classic.encoder.JsonEncoder")) {
                System.out.println("compat: " + scenario + ": skipped, this logback has no JsonEncoder");
                continue;
            }
            List<String> fronts = new ArrayList<>(Arrays.asList("SQL", "ASYNC"));
            if (new String(Files.readAllBytes(configs.resolve(scenario + ".xml")),
                    StandardCharsets.UTF_8).contains("name=\"BEHIND\""))
                fronts.add("BEHIND");
            for (String front : fronts) {
                Path dir = work.resolve(scenario + "-" + front);
                Files.createDirectories(dir);
                Capture.EVENTS.clear();
                Thrower.EVENTS.clear();
                ctx.reset();
                ctx.putProperty("WORK", dir.toString());
                ctx.putProperty("FRONT", front);
                // %kvp, %sn and %micros exist from logback 1.3 on; 1.2 would print parser errors.
                ctx.putProperty("NEW_CONVERTERS", newApi ? "%kvp %sn %micros" : "-");
                JoranConfigurator jc = new JoranConfigurator();
                jc.setContext(ctx);
                jc.doConfigure(configs.resolve(scenario + ".xml").toFile());
                sequenceNumbers(ctx);
                int logged = logEvents(scenario);
                // Stops every appender: flushes the AsyncAppender, closes the files. (stop()
                // would do nothing on 1.5 once the context is stopped: reset() does not start it.)
                ctx.reset();
                writeStatus(ctx, dir.resolve("status.txt"));
                if (!Capture.EVENTS.isEmpty() || scenario.equals("probe"))
                    failed |= !probe(dir.resolve("probe.txt"), logged, newApi);
                if (scenario.equals("thrower"))
                    failed |= !thrower(dir.resolve("probe.txt"), logged);
                System.out.println("compat: " + scenario + "-" + front + ": logged " + logged
                    + " events");
            }
        }
        System.exit(failed ? 1 : 0);
    }

    /** Implementation-Version, else Bundle-Version (Debian's jars carry only the latter). */
    static String version(Class<?> c) {
        Package p = c.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
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

    static boolean classExists(String name) {
        try {
            Class.forName(name);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    static boolean hasMethod(Class<?> c, String name) {
        for (Method m : c.getMethods())
            if (m.getName().equals(name))
                return true;
        return false;
    }

    /** logback 1.3+: %sn and getSequenceNumber() need a generator on the context. */
    static void sequenceNumbers(LoggerContext ctx) throws ReflectiveOperationException {
        if (!classExists("ch.qos.logback.core.spi.BasicSequenceNumberGenerator"))
            return;
        Class<?> gen = Class.forName("ch.qos.logback.core.spi.BasicSequenceNumberGenerator");
        Class<?> iface = Class.forName("ch.qos.logback.core.spi.SequenceNumberGenerator");
        ctx.getClass().getMethod("setSequenceNumberGenerator", iface)
            .invoke(ctx, gen.getConstructor().newInstance());
    }

    /**
     * The events every scenario logs, in this order; returns how many reach the root's
     * appenders (the mapper and p6spy loggers log at DEBUG/INFO, all enabled).
     */
    static int logEvents(String scenario) throws ReflectiveOperationException {
        Logger mapper = LoggerFactory.getLogger(MAPPER);
        Logger service = LoggerFactory.getLogger("com.example.OrderService");
        Logger p6spy = LoggerFactory.getLogger("p6spy");
        Logger jooq = LoggerFactory.getLogger("org.jooq.tools.LoggerListener");
        Logger sqlLogger = LoggerFactory.getLogger("com.example.sql.Statements");
        Logger custom = LoggerFactory.getLogger("com.example.Reports");
        int n = 0;
        service.info("Started OrderService in 1.2 seconds (scenario {})", scenario);
        n++;
        MDC.put("requestId", "r-42");
        MDC.put("user", "alice");
        mapper.debug(SQL_MARKER, "==>  Preparing: " + SQL1);
        n++;
        mapper.debug("==> Parameters: 42(Long)");
        n++;
        mapper.debug("<==      Total: 1");
        n++;
        mapper.debug("==>  Preparing: {}", SQL2);
        n++;
        mapper.debug("==>  Preparing: " + SQL3, new IllegalStateException("constraint violated"));
        n++;
        MDC.remove("user");
        if (!fluent(mapper, "==>  Preparing: " + SQL4)) {
            // SLF4J 1.7: one marker with a child, no key-value pairs.
            Marker m = MarkerFactory.getDetachedMarker("SQL");
            m.add(AUDIT);
            mapper.debug(m, "==>  Preparing: " + SQL4);
        }
        n++;
        p6spy.info(1700000000000L + "|3|statement|connection 7|url jdbc:h2:mem:shop|" + SQL5
            + "|" + SQL5.replace("?", "'x'"));
        n++;
        jooq.debug("Executing SQL: " + SQL7);
        n++;
        sqlLogger.info(SQL6);
        n++;
        custom.info("report query [" + SQL2 + "] took 3 ms");
        n++;
        for (int i = 0; i < 3; i++) { // repeats: cache hits, and one record with dedupe
            mapper.debug("==>  Preparing: " + SQL1);
            n++;
        }
        StringBuilder huge = new StringBuilder("SELECT 1");
        while (huge.length() < 5000)
            huge.append(" UNION ALL SELECT ").append(huge.length());
        mapper.debug("==>  Preparing: " + huge);
        n++;
        MDC.clear();
        service.error("Payment failed", new RuntimeException("gateway timeout"));
        n++;
        service.info("Stopped (scenario {})", scenario);
        n++;
        return n;
    }

    /**
     * SLF4J 2's fluent API, by reflection: two markers and two key-value pairs. False on
     * SLF4J 1.7 (or a logback without key-value pairs).
     */
    static boolean fluent(Logger log, String message) throws ReflectiveOperationException {
        if (!hasMethod(Logger.class, "atDebug") || !hasMethod(ILoggingEvent.class, "getKeyValuePairs"))
            return false;
        Object b = Logger.class.getMethod("atDebug").invoke(log);
        Class<?> builder = Class.forName("org.slf4j.spi.LoggingEventBuilder");
        Method addMarker = builder.getMethod("addMarker", Marker.class);
        Method addKv = builder.getMethod("addKeyValue", String.class, Object.class);
        b = addMarker.invoke(b, SQL_MARKER);
        b = addMarker.invoke(b, AUDIT);
        b = addKv.invoke(b, "orderId", 42);
        b = addKv.invoke(b, "tenant", "eu-1");
        builder.getMethod("log", String.class).invoke(b, message);
        return true;
    }

    static void writeStatus(LoggerContext ctx, Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        for (Status s : ctx.getStatusManager().getCopyOfStatusList()) {
            if (s.getEffectiveLevel() >= Status.WARN)
                lines.add((s.getEffectiveLevel() == Status.ERROR ? "ERROR " : "WARN ")
                    + s.getMessage() + (s.getThrowable() == null ? "" : " :: " + s.getThrowable()));
        }
        ctx.getStatusManager().clear();
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    /**
     * Every no-argument method of the ILoggingEvent loaded now, called on each split event
     * and on its original: equal results, except the message, the formatted message (both
     * the replacement) and the argument array (null). Also: every logged event arrived, in
     * order, and the original carries what the scenario logged (markers, key-value pairs,
     * sequence numbers on 1.3+).
     */
    static boolean probe(Path out, int logged, boolean newApi) throws Exception {
        List<ILoggingEvent> events;
        synchronized (Capture.EVENTS) {
            events = new ArrayList<>(Capture.EVENTS);
        }
        List<String> errors = new ArrayList<>();
        List<Method> methods = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>();
        for (Method m : ILoggingEvent.class.getMethods()) {
            if (m.getParameterCount() == 0 && m.getReturnType() != void.class
                && !Modifier.isStatic(m.getModifiers())) {
                methods.add(m);
                names.add(m.getName());
            }
        }
        if (events.size() != logged)
            errors.add("arrived " + events.size() + " events of " + logged);
        int split = 0;
        int compared = 0;
        for (ILoggingEvent e : events) {
            if (!(e instanceof SplitLoggingEvent))
                continue;
            split++;
            ILoggingEvent o = ((SplitLoggingEvent) e).getOriginal();
            for (Method m : methods) {
                String name = m.getName();
                Object got = m.invoke(e);
                Object want = m.invoke(o);
                if (name.equals("getMessage") || name.equals("getFormattedMessage")) {
                    if (!(got instanceof String) || !((String) got).contains("\"QHash\":\""))
                        errors.add(name + " of a split event: " + got);
                } else if (name.equals("getArgumentArray")) {
                    if (got != null)
                        errors.add("getArgumentArray of a split event is not null");
                } else if (!Objects.deepEquals(got, want)) {
                    errors.add(name + ": split " + got + " != original " + want + " ("
                        + o.getFormattedMessage().split("\n")[0] + ")");
                }
                compared++;
            }
            if (newApi) {
                Object sn = ILoggingEvent.class.getMethod("getSequenceNumber").invoke(o);
                if (((Long) sn) == 0L)
                    errors.add("sequence number 0: the generator is not set");
                List<?> kv = (List<?>) ILoggingEvent.class.getMethod("getKeyValuePairs").invoke(e);
                List<?> markers = (List<?>) ILoggingEvent.class.getMethod("getMarkerList").invoke(e);
                if (o.getFormattedMessage().contains(SQL4)
                    && (kv == null || kv.size() != 2 || markers == null || markers.size() != 2))
                    errors.add("fluent event: key-value pairs " + kv + ", markers " + markers);
            }
        }
        if (split == 0)
            errors.add("no split event arrived");
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8))) {
            w.println("events " + events.size() + " split " + split + " calls " + compared);
            w.println("methods " + names);
            for (String err : errors)
                w.println("DIFF " + err);
        }
        System.out.println("compat: probe: " + events.size() + " events, " + split
            + " split, " + methods.size() + " methods each " + names
            + (errors.isEmpty() ? ": equal" : ": " + errors.size() + " differences"));
        for (String err : errors)
            System.out.println("compat: probe: DIFF " + err);
        return errors.isEmpty();
    }

    /** The Thrower got every event, the originals of the split ones. */
    static boolean thrower(Path out, int logged) throws IOException {
        List<ILoggingEvent> events;
        synchronized (Thrower.EVENTS) {
            events = new ArrayList<>(Thrower.EVENTS);
        }
        boolean ok = events.size() == logged;
        for (ILoggingEvent e : events)
            ok &= !(e instanceof SplitLoggingEvent);
        Files.write(out, Arrays.asList("thrower got " + events.size() + " of " + logged
            + (ok ? ", all originals" : " or a split event")), StandardCharsets.UTF_8);
        System.out.println("compat: thrower: got " + events.size() + " of " + logged
            + (ok ? "" : ": FAIL"));
        return ok;
    }
}
