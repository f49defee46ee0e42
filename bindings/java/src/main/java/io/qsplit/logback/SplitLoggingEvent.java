package io.qsplit.logback;

import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * An event whose message was split: the message is the replacement (the marker kept, the
 * SQL replaced by {@code "QHash":"…"}), the argument array is null since the message is
 * final, and every other method of {@link ILoggingEvent} answers what the original event
 * answers: MDC, markers, key-value pairs, sequence number, instant with its nanoseconds,
 * throwable, thread, timestamp, logger, caller data, and whatever a later logback adds.
 *
 * <p>Split events are {@link java.lang.reflect.Proxy} instances over the
 * {@code ILoggingEvent} that is loaded at run time, not a class compiled against one
 * logback: logback 1.3 added abstract methods to the interface ({@code getMarkerList},
 * {@code getNanoseconds}, {@code getSequenceNumber}, {@code getKeyValuePairs}), and a class
 * written for 1.2 throws {@code AbstractMethodError} there. A proxy implements every
 * method of the interface it is made for, so one qsplit.jar works on logback 1.2 to 1.5
 * and on the next version.
 */
public interface SplitLoggingEvent extends ILoggingEvent {
    /** The event as it was logged, SQL included. */
    ILoggingEvent getOriginal();

    /**
     * A split event over {@code original} whose message and formatted message are
     * {@code message}.
     */
    static SplitLoggingEvent of(ILoggingEvent original, String message) {
        return SplitEventHandler.create(original, message);
    }
}
