#!/usr/bin/env python3
"""The Java face under load and faults: compiles java/Reliability.java against the built
qsplit.jar and runs one case.  Usage:

    java_reliability.py --jar QSPLIT_JAR --java JAVA --javac JAVAC --cp LOGBACK_JARS CASE

  concurrent  two JVMs, 16 logging threads each, append through QuerySplitAppender to one
              query.log; a third JVM checks every record is whole, hashes right, and is
              there exactly once (QS_JAVA_EVENTS events per thread, default 1000)
  leak        1,000,000 JNI iterations (hash, split event, normalize) after a 200,000 warm-up,
              RSS sampled from /proc/self/status: growth over 8 MiB fails
  deleted     query.log deleted while the appender holds it: the app keeps running, every
              event is forwarded, and no console line carries a QHash whose SQL went only to
              the unlinked file
"""
import argparse
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--jar', required=True)
    ap.add_argument('--java', default='java')
    ap.add_argument('--javac', default='javac')
    ap.add_argument('--cp', required=True, help='logback and slf4j jars, colon-separated')
    ap.add_argument('case', choices=['concurrent', 'leak', 'deleted'])
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix='qsplit-java-') as d:
        classes = os.path.join(d, 'classes')
        cp = ':'.join([a.jar, a.cp])
        subprocess.run([a.javac, '-d', classes, '-cp', cp,
                        os.path.join(HERE, 'java', 'Reliability.java')], check=True)
        run_cp = classes + ':' + cp

        def java(*args, jvm=()):
            return subprocess.Popen([a.java, '-Xcheck:jni', *jvm, '-cp', run_cp,
                                     'Reliability', *args])

        if a.case == 'concurrent':
            n = os.environ.get('QS_JAVA_EVENTS', '1000')
            log = os.path.join(d, 'query.log')
            ps = [java('write', log, str(p), '16', n) for p in range(2)]
            rcs = [p.wait() for p in ps]
            if any(rcs):
                return 1
            return java('verify', log, '2', '16', n).wait()
        if a.case == 'leak':
            # A fixed, pre-touched heap: what grows after warm-up is native memory.
            return java('leak', '1000000',
                        jvm=('-Xms64m', '-Xmx64m', '-XX:+AlwaysPreTouch')).wait()
        return java('deleted', d, '200').wait()


if __name__ == '__main__':
    sys.exit(main())
