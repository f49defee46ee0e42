package io.qsplit;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

import ch.qos.logback.classic.spi.LoggingEvent;

/**
 * Run in its own JVM with -Dqsplit.native.path pointing nowhere: the appender must report
 * the failure and forward every event unchanged.
 */
public class NativeMissingTest extends AppenderTestBase {
    @Test
    public void eventsPassUnchangedWithoutTheLibrary() throws Exception {
        assertNotNull("run me with -Dqsplit.native.path=/nonexistent",
            System.getProperty(NativeLoader.PATH_PROPERTY));
        assertFalse(NativeLoader.isAvailable());
        assertNotNull(NativeLoader.failure());
        newAppender(TestSupport.tempDir("missing").resolve("query.log").toString()).start();
        assertTrue(app.isStarted());
        assertTrue(errors().toString(), errors().stream().anyMatch(m -> m.contains("native library")));
        logger(AppenderTest.MAPPER);
        for (int i = 0; i < 10; i++) {
            LoggingEvent ev = event(AppenderTest.MAPPER, "==>  Preparing: SELECT " + i, null);
            app.doAppend(ev);
            assertSame(ev, list.list.get(i));
        }
        assertEquals(10, list.list.size());
        ctx.stop();
    }
}
