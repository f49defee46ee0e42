package io.qsplit;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

/** The library loads (in the meson test: from the jar's resource, extracted). */
public class LoaderTest {
    @Test
    public void loadsAndReportsWhereFrom() {
        assertTrue(NativeLoader.isAvailable());
        assertNull(NativeLoader.failure());
        String expected = System.getProperty("qsplit.test.expectSource");
        assertNotNull(NativeLoader.source());
        if (expected != null)
            assertTrue(NativeLoader.source(), NativeLoader.source().startsWith(expected));
        assertEquals("0.1.0".split("\\.")[0], Qsplit.version().split("\\.")[0]);
    }

    @Test
    public void resourcePathNamesOsAndArch() {
        String p = NativeLoader.resourcePath();
        assertTrue(p, p.matches("/native/[a-z0-9]+/[a-z0-9_]+/libqsplit_jni\\.(so|dylib)|.*\\.dll"));
    }

    @Test
    public void strerrorNeverNull() {
        assertNotNull(Qsplit.strerror(-9999));
        assertTrue(Qsplit.strerror(QsplitException.ENOSPC).length() > 0);
    }
}
