package io.qsplit.logback;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.spi.AppenderAttachable;
import ch.qos.logback.core.spi.AppenderAttachableImpl;
import io.qsplit.NativeLoader;
import io.qsplit.QsplitException;
import io.qsplit.QueryLog;
import io.qsplit.SplitConfig;
import io.qsplit.Splitter;

/**
 * Splits SQL out of logging events in-process and forwards every event to the attached
 * appenders (like logback's AsyncAppender, but synchronous).
 *
 * <p>An event that carries SQL (MyBatis {@code ==>  Preparing:}, {@code boundSql :}, p6spy,
 * configured loggers or regexes; recognized by the C core, the same rules as the CLI) has its
 * SQL appended to query.log and is forwarded with its message replaced by the core's console
 * text ending in {@code "QHash":"<hash>"}. Every other event is forwarded as the same object.
 *
 * <p>Never loses a line: when the native library cannot load or query.log cannot be opened,
 * every event is forwarded unchanged; when an append fails, that event is forwarded
 * unchanged (SQL included). Errors go to the status manager, rate-limited.
 *
 * <p>Speed: an event that certainly carries no SQL by the core's rules ({@link SqlPrefilter})
 * is forwarded without copying its message or calling into C; a repeated SQL message is
 * served from a bounded cache of the core's results ({@link SplitCache}).
 *
 * <p>Threads: no lock on the hot path; native splitters (not thread-safe) come from a
 * lock-free pool, one per concurrently logging thread, freed on stop. A ThreadLocal would
 * leak a native handle per dead thread.
 */
public class QuerySplitAppender extends UnsynchronizedAppenderBase<ILoggingEvent>
    implements AppenderAttachable<ILoggingEvent> {

    /** Minimum time between two error reports in the status manager. */
    static final long ERROR_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Default size of the cache of split results (see setCacheEntries). */
    static final int DEFAULT_CACHE_ENTRIES = 1024;
    /** The core's default QS_LIMIT_RECORD_BYTES. */
    static final long DEFAULT_MAX_RECORD_BYTES = 8L << 20;

    private final AppenderAttachableImpl<ILoggingEvent> aai = new AppenderAttachableImpl<>();
    private int appenderCount;

    private String queryLog = "query.log";
    /**
     * The core's options as the setters gave them, {name, value} in order: applied at start
     * through the core's one option table (qs_config_set_option), which checks them as it
     * checks the CLI's flags. The appender keeps no rule of its own.
     */
    private final List<String[]> options = new ArrayList<>();
    private int fileMode; // 0 = the core's default, 0640
    private long maxRecordBytes;
    private int cacheEntries = DEFAULT_CACHE_ENTRIES;

    private volatile Session session;
    private final AtomicLong lastErrorNanos =
        new AtomicLong(System.nanoTime() - ERROR_INTERVAL_NANOS);
    private final AtomicLong suppressedErrors = new AtomicLong();
    /** Unexpected throwables seen since start, by class (reportUnexpected). */
    private final ConcurrentHashMap<Class<?>, AtomicLong> unexpected = new ConcurrentHashMap<>();
    /** The attached appenders, as an array read without a lock on the hot path. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private volatile Appender<ILoggingEvent>[] children = new Appender[0];

    // ---- options (logback setters) --------------------------------------------------------

    /** Path of query.log (parent folders are created). Default "query.log". */
    public void setQueryLog(String path) {
        this.queryLog = path;
    }

    public String getQueryLog() {
        return queryLog;
    }

    /** Comma-separated logger names whose whole message is SQL; a trailing '*' is a prefix. */
    public void setSqlLoggers(String loggers) {
        options.removeIf(o -> o[0].equals("sql-logger"));
        for (String l : loggers.split(",")) {
            if (!l.trim().isEmpty())
                option("sql-logger", l.trim());
        }
    }

    private void option(String name, String value) {
        options.add(new String[] {name, value});
    }

    /**
     * Any option of the core's table as {@code name=value}, with the CLI's names
     * ({@code qsplit split --help}, docs/java.md): {@code <option>p6spy-format=...</option>},
     * {@code <option>dedupe-size=64K</option>}. Repeatable.
     */
    public void addOption(String nameValue) {
        int eq = nameValue.indexOf('=');
        if (eq <= 0) {
            addError("qsplit: option '" + nameValue + "' is not name=value");
            option(nameValue, "");  // refused at start, so the appender forwards unchanged
            return;
        }
        option(nameValue.substring(0, eq).trim(), nameValue.substring(eq + 1).trim());
    }

    public void setOption(String nameValue) {
        addOption(nameValue);
    }

    /** p6spy's customLogMessageFormat, as in spy.properties (option p6spy-format). */
    public void setP6spyFormat(String format) {
        option("p6spy-format", format);
    }

    /** QHashes remembered by dedupe (option dedupe-size; K, M, G allowed). */
    public void setDedupeSize(String size) {
        option("dedupe-size", size.trim());
    }

    /** One more SQL logger (repeatable {@code <sqlLogger>} element). */
    public void addSqlLogger(String logger) {
        if (!logger.trim().isEmpty())
            option("sql-logger", logger.trim());
    }

    /** A PCRE2 regex with a named group {@code sql} (repeatable {@code <sqlRegex>}). */
    public void addSqlRegex(String regex) {
        option("sql-regex", regex);
    }

    public void setSqlRegex(String regex) {
        addSqlRegex(regex);
    }

    /**
     * Comma-separated literal message markers: the text after a marker is SQL, the marker
     * and what precedes it stay on the console (e.g. {@code "Executing SQL: "}).
     *
     * <p>Blanks around a marker are not part of it, because Joran trims option values
     * ({@code <markers>Executing SQL: </markers>} arrives as {@code "Executing SQL:"}) and
     * a comma list is written with spaces: the marker is the text between them, and the
     * spaces and tabs that follow it in a message stay on the console with it. So
     * {@code "Executing SQL: "} and {@code "Executing SQL:"} mean the same, and the console
     * shows {@code Executing SQL: "QHash":"…"} either way.
     */
    public void setMarkers(String markers) {
        for (String m : markers.split(",")) {
            String literal = m.strip();
            if (literal.isEmpty())
                continue;
            option("sql-regex", markerRegex(literal));
        }
    }

    /**
     * A regex for a literal marker: every character outside [A-Za-z0-9 ] escaped, then the
     * blanks after it (possessive: a marker followed by blanks only has no SQL).
     */
    static String markerRegex(String marker) {
        StringBuilder sb = new StringBuilder();
        marker.codePoints().forEach(c -> {
            if (c < 128 && !Character.isLetterOrDigit(c) && c != ' ')
                sb.append('\\');
            sb.appendCodePoint(c);
        });
        return sb.append("[ \\t]*+(?<sql>(?s:.+))").toString();
    }

    /** query.log gets the fingerprint instead of the SQL (no literals, no personal data). */
    public void setRedact(boolean redact) {
        option("redact", Boolean.toString(redact));
    }

    /**
     * Write a statement's record only the first time its QHash is seen. The memory is per
     * native splitter (one per concurrently logging thread), so a record may repeat a few
     * times, never per event.
     */
    public void setDedupe(boolean dedupe) {
        option("dedupe", Boolean.toString(dedupe));
    }

    /** Extra query.log keys, comma-separated: ts, thread, logger, fingerprint. */
    public void setFields(String fields) {
        option("fields", fields.trim());
    }

    /** Octal creation mode of query.log, e.g. "0640". */
    public void setFileMode(String mode) {
        try {
            fileMode = Integer.parseInt(mode.trim(), 8);
        } catch (NumberFormatException e) {
            addError("qsplit: fileMode '" + mode + "' is not octal; using 0640");
            fileMode = 0;
        }
    }

    /** default, mysql or postgres. */
    public void setDialect(String d) {
        option("dialect", d.trim());
    }

    /** Turn off the built-in MyBatis/boundSql/p6spy recognizers (on by default). */
    public void setBuiltinDetectors(boolean enabled) {
        option("builtin", Boolean.toString(enabled));
    }

    /** Messages larger than this are forwarded unsplit (0 keeps the core's 8 MiB). */
    public void setMaxRecordBytes(long bytes) {
        this.maxRecordBytes = bytes;
        if (bytes != 0)
            option("max-record", Long.toString(bytes));
    }

    /**
     * Entries of the cache of split results (0 turns it off; default 1024). A repeated SQL
     * message (the same prepared statement, logged again) then costs a lookup instead of a
     * native split: the replacement message and the query.log record are pure functions
     * of the logger and the message. Only used when no per-event field (ts, thread) is
     * configured; messages over 4096 characters are not cached. With dedupe, a hit writes
     * nothing (the statement's record was written when it was first split); without, a hit
     * appends the cached record.
     */
    public void setCacheEntries(int entries) {
        this.cacheEntries = Math.max(entries, 0);
    }

    public int getCacheEntries() {
        return cacheEntries;
    }

    // ---- lifecycle ---------------------------------------------------------------------

    @Override
    public void start() {
        if (isStarted())
            return;
        if (appenderCount == 0)
            addWarn("qsplit: no appender attached to [" + name + "]: events go nowhere");
        if (!NativeLoader.isAvailable()) {
            addError("qsplit: native library not available; forwarding every event unchanged",
                NativeLoader.failure());
        } else {
            try {
                session = openSession();
                addInfo("qsplit: splitting SQL into " + queryLog + " (native library from "
                    + NativeLoader.source() + ")");
            } catch (BadOption e) {
                addError("qsplit: option " + e.getMessage()
                    + "; forwarding every event unchanged", e.getCause());
            } catch (IOException | RuntimeException | LinkageError e) {
                addError("qsplit: cannot set up query log " + queryLog
                    + "; forwarding every event unchanged: " + e.getMessage(), e);
            }
        }
        super.start();
    }

    private Session openSession() throws IOException {
        SplitConfig cfg = new SplitConfig();
        QueryLog log = null;
        try {
            for (String[] o : options) {
                try {
                    cfg.setOption(o[0], o[1]);
                } catch (QsplitException e) {
                    throw new BadOption(e); // its message starts with the option's name
                }
            }
            int flags = cfg.coreFlags();
            int fieldFlags = flags & ~(SplitConfig.FLAG_REDACT | SplitConfig.FLAG_DEDUPE);
            boolean dedupe = (flags & SplitConfig.FLAG_DEDUPE) != 0;
            Path path = Paths.get(queryLog);
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent))
                Files.createDirectories(parent);
            log = QueryLog.open(path, fileMode);
            SqlPrefilter filter = new SqlPrefilter(cfg.quickRules());
            boolean perEvent = (fieldFlags
                & (SplitConfig.FIELD_THREAD | SplitConfig.FIELD_TIMESTAMP)) != 0;
            SplitCache cache = cacheEntries > 0 && !perEvent ? new SplitCache(cacheEntries)
                : null;
            return new Session(cfg, log, fieldFlags, dedupe, filter, cache,
                maxRecordBytes > 0 ? maxRecordBytes : DEFAULT_MAX_RECORD_BYTES);
        } catch (IOException | RuntimeException e) {
            if (log != null)
                log.close();
            cfg.close();
            throw e;
        }
    }

    @Override
    public void stop() {
        if (!isStarted())
            return;
        super.stop();
        Session s = session;
        session = null;
        if (s != null) {
            try {
                s.close();
            } catch (QsplitException e) {
                addError("qsplit: closing " + queryLog + ": " + e.getMessage(), e);
            }
        }
        for (java.util.Map.Entry<Class<?>, AtomicLong> e : unexpected.entrySet()) {
            if (e.getValue().get() > 1)
                addWarn("qsplit: " + (e.getValue().get() - 1) + " more " + e.getKey().getName()
                    + " after the one reported; each event was forwarded unchanged");
        }
        unexpected.clear();
        detachAndStopAllAppenders();
    }

    // ---- the hot path ----------------------------------------------------------------------

    @Override
    protected void append(ILoggingEvent event) {
        Session s = session;
        Pooled p = null;
        boolean discard = false;
        ILoggingEvent out = event;
        try {
            if (s != null) {
                String message = event.getFormattedMessage();
                String logger = event.getLoggerName();
                // Certainly no SQL: no copy, no native call, the same object forwarded.
                if (message != null && s.filter.mayCarrySql(logger, message)
                    && !s.oversized(message)) {
                    SplitCache cache = s.cache;
                    int key = cache == null ? 0 : SplitCache.hash(logger, message);
                    SplitCache.Entry hit = null;
                    if (key != 0) {
                        hit = cache.get(key, logger, message);
                        if (hit != null && hit.record == null) {
                            // Deduped: the record was written when the statement was split.
                            out = SplitLoggingEvent.of(event, hit.console);
                        } else if (hit == null && !cache.admit(key)) {
                            key = 0; // first sighting: split without caching
                        }
                    }
                    // The splitter stays borrowed until the event is forwarded: stop() waits
                    // for it, so an event whose record was written is never dropped by
                    // stopped children. Null: stopping, the event goes on unchanged.
                    if (out == event && (p = s.borrow()) != null) {
                        if (hit != null) {
                            s.log.append(hit.record);
                            out = SplitLoggingEvent.of(event, hit.console);
                        } else {
                            out = split(s, p, event, logger, message, key);
                        }
                    }
                }
            }
        } catch (QsplitException e) {
            // With dedupe the splitter has marked this QHash as seen although its record
            // was not written: a fresh splitter writes it the next time.
            discard = s.dedupe;
            out = event;
            reportError("qsplit: " + queryLog + ": " + e.getMessage()
                + "; forwarding the event with its SQL", e);
        } catch (Throwable e) {
            // Not ours to throw: the application's logging call (or an AsyncAppender's
            // worker) would get it. The event goes on as logged.
            discard = s != null && s.dedupe;
            out = event;
            reportUnexpected(e, "splitting an event");
        }
        try {
            if (out == event)
                forward(event);
            else
                forwardSplit(out, event);
        } finally {
            if (p != null) {
                if (discard)
                    s.discard(p);
                else
                    s.giveBack(p);
            }
        }
    }

    /** The event to every attached appender, as logback's AppenderAttachableImpl does. */
    private void forward(ILoggingEvent event) {
        for (Appender<ILoggingEvent> a : children)
            a.doAppend(event);
    }

    /**
     * A split event to every attached appender. An appender that throws on it (an error
     * that logback's doAppend does not catch, such as a LinkageError in an encoder that
     * expects another event class) gets the original event instead, so its line is not
     * lost and nothing qsplit made reaches the caller. The original is what the appender
     * would have had without qsplit: what it throws on that is its own.
     */
    private void forwardSplit(ILoggingEvent split, ILoggingEvent original) {
        for (Appender<ILoggingEvent> a : children) {
            try {
                a.doAppend(split);
            } catch (Throwable e) {
                reportUnexpected(e, "forwarding a split event to [" + a.getName() + "]");
                a.doAppend(original);
            }
        }
    }

    /**
     * Once per kind of unexpected throwable (its class) and start, with the stack trace;
     * later ones are counted and the count is reported by stop().
     */
    private void reportUnexpected(Throwable e, String doing) {
        try {
            AtomicLong n = unexpected.computeIfAbsent(e.getClass(), c -> new AtomicLong());
            if (n.getAndIncrement() == 0)
                addError("qsplit: unexpected " + e + " while " + doing
                    + "; the event is forwarded unchanged. Reported once; please report it"
                    + " to qsplit with your logback version.", e);
        } catch (Throwable ignored) {
            // The status manager itself failed: there is nowhere left to report to.
        }
    }

    /**
     * The core's split of one event (cached when key != 0); the event itself if no SQL. One
     * native call either way: the pooled splitter appends the record to s.log itself.
     */
    private static ILoggingEvent split(Session s, Pooled p, ILoggingEvent event, String logger,
        String message, int key) {
        String console;
        if (key != 0 && !s.dedupe) {
            // Every event appends a record: the call that appended it returns it for the hits.
            Splitter.Result r = p.splitter.event(logger, message, null, null);
            if (r == null)
                return event;
            console = r.console;
            s.cache.put(new SplitCache.Entry(key, logger, message, console, r.query));
        } else {
            byte[] c = p.splitter.split(utf8(logger),
                message.getBytes(StandardCharsets.UTF_8), s.threadOf(event), s.tsOf(event));
            if (c == null)
                return event;
            console = new String(c, StandardCharsets.UTF_8);
            if (key != 0)
                s.cache.put(new SplitCache.Entry(key, logger, message, console, null));
        }
        return SplitLoggingEvent.of(event, console);
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    /** At most one report per ERROR_INTERVAL, naming how many were suppressed. */
    private void reportError(String msg, Throwable t) {
        long now = System.nanoTime();
        long last = lastErrorNanos.get();
        if (now - last < ERROR_INTERVAL_NANOS || !lastErrorNanos.compareAndSet(last, now)) {
            suppressedErrors.incrementAndGet();
            return;
        }
        long n = suppressedErrors.getAndSet(0);
        addError(n == 0 ? msg : msg + " (" + n + " similar errors suppressed)", t);
    }

    // ---- native state --------------------------------------------------------------------

    /** A pooled splitter: state 0 free, 1 borrowed, 2 freed. */
    private static final class Pooled {
        final Splitter splitter;
        final AtomicInteger state = new AtomicInteger(1);

        Pooled(Splitter splitter) {
            this.splitter = splitter;
        }
    }

    /**
     * The config, the query log and the splitter pool of one start/stop cycle. Closing waits
     * for borrowed splitters to come back, so no native call runs on freed memory.
     */
    /** An option the core refused: reported naming it, the appender forwards unchanged. */
    private static final class BadOption extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadOption(QsplitException e) {
            super(e.getMessage(), e);
        }
    }

    private static final class Session {
        final SplitConfig cfg;
        final QueryLog log;
        final boolean wantThread;
        final boolean wantTs;
        final boolean dedupe;
        final SqlPrefilter filter;
        final SplitCache cache; // null: off
        final long maxRecordBytes;
        final ConcurrentLinkedQueue<Pooled> pool = new ConcurrentLinkedQueue<>();
        final List<Pooled> all = new CopyOnWriteArrayList<>();
        volatile boolean closed;

        Session(SplitConfig cfg, QueryLog log, int fields, boolean dedupe, SqlPrefilter filter,
            SplitCache cache, long maxRecordBytes) {
            this.maxRecordBytes = maxRecordBytes;
            this.cfg = cfg;
            this.log = log;
            this.dedupe = dedupe;
            this.filter = filter;
            this.cache = cache;
            this.wantThread = (fields & SplitConfig.FIELD_THREAD) != 0;
            this.wantTs = (fields & SplitConfig.FIELD_TIMESTAMP) != 0;
        }

        /**
         * Over maxRecordBytes in UTF-8: forwarded unsplit, as the CLI passes such records
         * through (the core's event call does not apply the limit itself). Encodes only
         * when the char count cannot settle it.
         */
        boolean oversized(String m) {
            long n = m.length();
            if (n * 3 <= maxRecordBytes)
                return false;
            return n > maxRecordBytes
                || m.getBytes(StandardCharsets.UTF_8).length > maxRecordBytes;
        }

        byte[] threadOf(ILoggingEvent e) {
            return wantThread ? utf8(e.getThreadName()) : null;
        }

        byte[] tsOf(ILoggingEvent e) {
            return wantTs ? Instant.ofEpochMilli(e.getTimeStamp()).toString()
                .getBytes(StandardCharsets.US_ASCII) : null;
        }

        /** A splitter for this thread's call, or null when the session is closing. */
        Pooled borrow() {
            Pooled p;
            while ((p = pool.poll()) != null) {
                if (p.state.compareAndSet(0, 1)) {
                    // close() sets closed before claiming splitters: seeing it false here
                    // means close() waits for us.
                    if (!closed)
                        return p;
                    p.state.set(0);
                    return null;
                }
            }
            return create();
        }

        private synchronized Pooled create() {
            if (closed)
                return null;
            Pooled p = new Pooled(new Splitter(cfg, log)); // appends to log itself
            all.add(p);
            return p;
        }

        void giveBack(Pooled p) {
            p.state.set(0);
            pool.offer(p);
        }

        /** Free a borrowed splitter instead of giving it back; close() skips it. */
        void discard(Pooled p) {
            all.remove(p);
            p.splitter.close();
            p.state.set(2);
        }

        void close() {
            synchronized (this) {
                closed = true;
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            boolean leak = false;
            for (Pooled p : all) {
                boolean claimed;
                while (!(claimed = p.state.compareAndSet(0, 2))) {
                    if (p.state.get() == 2)
                        break; // discarded by its borrower, already freed
                    if (System.nanoTime() > deadline) {
                        leak = true; // a thread is stuck inside a call: never free under it
                        break;
                    }
                    Thread.onSpinWait();
                    Thread.yield();
                }
                if (claimed)
                    p.splitter.close();
            }
            pool.clear();
            if (leak)
                return;
            try {
                log.close();
            } finally {
                cfg.close();
            }
        }
    }

    // ---- AppenderAttachable ------------------------------------------------------------

    /** Rebuilds the children array after a change of the attached appenders. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private synchronized void refreshChildren() {
        List<Appender<ILoggingEvent>> list = new ArrayList<>();
        for (Iterator<Appender<ILoggingEvent>> it = aai.iteratorForAppenders(); it.hasNext();)
            list.add(it.next());
        children = list.toArray(new Appender[0]);
    }

    @Override
    public void addAppender(Appender<ILoggingEvent> newAppender) {
        if (appenderCount == 0) {
            appenderCount++;
            addInfo("Attaching appender named [" + newAppender.getName() + "] to " + this);
        } else {
            appenderCount++;
        }
        aai.addAppender(newAppender);
        refreshChildren();
    }

    @Override
    public Iterator<Appender<ILoggingEvent>> iteratorForAppenders() {
        return aai.iteratorForAppenders();
    }

    @Override
    public Appender<ILoggingEvent> getAppender(String name) {
        return aai.getAppender(name);
    }

    @Override
    public boolean isAttached(Appender<ILoggingEvent> appender) {
        return aai.isAttached(appender);
    }

    @Override
    public void detachAndStopAllAppenders() {
        aai.detachAndStopAllAppenders();
        refreshChildren();
    }

    @Override
    public boolean detachAppender(Appender<ILoggingEvent> appender) {
        boolean r = aai.detachAppender(appender);
        refreshChildren();
        return r;
    }

    @Override
    public boolean detachAppender(String name) {
        boolean r = aai.detachAppender(name);
        refreshChildren();
        return r;
    }
}
