import java.util.Arrays;
import java.util.Map;

import org.slf4j.Marker;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.LoggerContextVO;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.qsplit.logback.SplitLoggingEvent;

/**
 * What a split event costs by itself, without I/O or the core: per event, making the event
 * that reaches the attached appenders and laying it out with Spring Boot's console pattern
 * (PatternLayout, the work of a ConsoleAppender's encoder), for
 *   - the original event (no split event at all: the floor),
 *   - a hand-written delegating class as qsplit 0.1.0 had (compiled against logback 1.2;
 *     on 1.3+ it throws AbstractMethodError for the new methods, so only where it runs),
 *   - SplitLoggingEvent.of: the Proxy over the ILoggingEvent loaded at run time.
 * Single thread, CPU-bound; a warm-up, then ROUNDS rounds that interleave the variants;
 * the median of each. Not a test.
 */
public final class EventBench {
    static final String PATTERN =
        "%d{yyyy-MM-dd HH:mm:ss.SSS} %5p 4242 --- [%15.15t] %-40.40logger{39} : %m%n";

    /** qsplit 0.1.0's SplitLoggingEvent: logback 1.2's ILoggingEvent, by hand. */
    static final class Concrete implements ILoggingEvent {
        private final ILoggingEvent o;
        private final String message;

        Concrete(ILoggingEvent o, String message) {
            this.o = o;
            this.message = message;
        }

        @Override public String getThreadName() { return o.getThreadName(); }
        @Override public Level getLevel() { return o.getLevel(); }
        @Override public String getMessage() { return message; }
        @Override public Object[] getArgumentArray() { return null; }
        @Override public String getFormattedMessage() { return message; }
        @Override public String getLoggerName() { return o.getLoggerName(); }
        @Override public LoggerContextVO getLoggerContextVO() { return o.getLoggerContextVO(); }
        @Override public IThrowableProxy getThrowableProxy() { return o.getThrowableProxy(); }
        @Override public StackTraceElement[] getCallerData() { return o.getCallerData(); }
        @Override public boolean hasCallerData() { return o.hasCallerData(); }
        @Override public Marker getMarker() { return o.getMarker(); }
        @Override public Map<String, String> getMDCPropertyMap() { return o.getMDCPropertyMap(); }
        @Override @SuppressWarnings("deprecation") public Map<String, String> getMdc() { return o.getMdc(); }
        @Override public long getTimeStamp() { return o.getTimeStamp(); }
        @Override public void prepareForDeferredProcessing() { o.prepareForDeferredProcessing(); }
    }

    interface Make {
        ILoggingEvent make(ILoggingEvent original, String message);
    }

    static long sink;

    static double nsPerEvent(PatternLayout layout, ILoggingEvent[] events, String msg, Make make,
        int n) {
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            ILoggingEvent e = make.make(events[i & (events.length - 1)], msg);
            sink += layout.doLayout(e).length();
        }
        return (System.nanoTime() - t0) / (double) n;
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        // SLF4J's context: logback 1.5 takes the MDC adapter from SLF4J's initialization.
        LoggerContext ctx = (LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
        PatternLayout layout = new PatternLayout();
        layout.setContext(ctx);
        layout.setPattern(PATTERN);
        layout.start();
        Logger logger = ctx.getLogger("com.example.mapper.OrderMapper.selectByCustomer");
        ILoggingEvent[] events = new ILoggingEvent[1024];
        for (int i = 0; i < events.length; i++) {
            events[i] = new LoggingEvent("bench", logger, Level.DEBUG,
                "==>  Preparing: SELECT o.id FROM orders o WHERE o.customer_id = ? AND o.n = " + i,
                null, null);
            events[i].prepareForDeferredProcessing(); // thread name, MDC: as after a first use
        }
        String msg = "==>  Preparing: \"QHash\":\"8c6b7778672a4222bf18d91a035cd86e\"";
        String[] names = {"original event", "0.1.0 class", "proxy"};
        Make[] makes = {(o, m) -> o, Concrete::new, SplitLoggingEvent::of};
        System.out.printf("split event cost: logback-classic %s, Java %s, PatternLayout of"
            + " Spring Boot's pattern, %d events per round, median of %d rounds%n",
            Bench.version(LoggerContext.class), System.getProperty("java.version"), n, rounds);
        // Rounds interleave the variants, so that load from elsewhere hits them alike.
        double[][] t = new double[makes.length][rounds];
        boolean[] runs = new boolean[makes.length];
        for (int k = 0; k < makes.length; k++) {
            try {
                nsPerEvent(layout, events, msg, makes[k], n); // warm-up
                runs[k] = true;
            } catch (AbstractMethodError e) {
                System.out.printf("  %-15s does not run here: %s%n", names[k], e.getMessage()
                    .replaceAll(" of interface.*", ""));
            }
        }
        for (int r = 0; r < rounds; r++)
            for (int k = 0; k < makes.length; k++)
                if (runs[k])
                    t[k][r] = nsPerEvent(layout, events, msg, makes[k], n);
        double base = 0;
        for (int k = 0; k < makes.length; k++) {
            if (!runs[k])
                continue;
            Arrays.sort(t[k]);
            double med = t[k][rounds / 2];
            if (k == 0)
                base = med;
            System.out.printf("  %-15s %7.1f ns per event (%+.1f ns; rounds %.0f to %.0f)%n",
                names[k], med, med - base, t[k][0], t[k][rounds - 1]);
        }
        if (sink == 42)
            System.out.println();
    }
}
