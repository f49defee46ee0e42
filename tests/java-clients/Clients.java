package io.qsplit.clients;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.sql.DataSource;
import org.apache.ibatis.builder.xml.XMLMapperBuilder;
import org.apache.ibatis.mapping.Environment;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.apache.ibatis.session.SqlSessionFactoryBuilder;
import org.apache.ibatis.transaction.jdbc.JdbcTransactionFactory;
import org.h2.jdbcx.JdbcDataSource;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;
import org.hibernate.cfg.Configuration;
import org.hibernate.connection.ConnectionProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small application over REAL MyBatis 3.5, p6spy 3.9 and Hibernate 3.6 on H2 in memory,
 * for tests/java-clients/java_clients.py. Each scenario runs under clients.xml, which sends
 * every event to plain file appenders (Spring Boot's and logback's default patterns), to a
 * plain console (stdout is a file per scenario, so Hibernate's show_sql prints land between
 * the logback lines as they do on a real console) and to a QuerySplitAppender with no
 * recognition option.
 *
 * <p>What the frameworks really sent to the database is recorded below them by a JDBC proxy
 * (executed.tsv: layer, kind, SQL), so the checker counts statements from what was executed,
 * never from qsplit's own output.
 *
 * <p>Usage: Clients CONFIG_XML WORKDIR MAPPER_XML HBM_XML SCENARIO...
 */
public final class Clients {
    private static final Logger LOG = LoggerFactory.getLogger("io.qsplit.clients.Library");

    private Clients() {}

    public static void main(String[] args) throws Exception {
        File config = new File(args[0]);
        File work = new File(args[1]);
        File mapper = new File(args[2]);
        File hbm = new File(args[3]);
        // p6spy reads p6spy.config.* system properties as its spy.properties.
        System.setProperty("p6spy.config.appender", "com.p6spy.engine.spy.appender.Slf4JLogger");
        System.setProperty("p6spy.config.jmx", "false");
        PrintStream realOut = System.out;
        for (String scenario : Arrays.asList(args).subList(4, args.length)) {
            File dir = new File(work, scenario);
            if (!dir.isDirectory() && !dir.mkdirs()) {
                throw new IllegalStateException("cannot create " + dir);
            }
            try (PrintStream out = new PrintStream(new FileOutputStream(new File(dir, "stdout.log")),
                         true, "UTF-8");
                 Recorder rec = new Recorder(new File(dir, "executed.tsv"))) {
                System.setOut(out);
                configureLogback(config, dir);
                run(scenario, rec, mapper, hbm);
                stopLogback();
            } finally {
                System.setOut(realOut);
            }
            realOut.println("scenario " + scenario + " done");
        }
    }

    private static void configureLogback(File config, File dir) throws Exception {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        ctx.putProperty("OUT", dir.getAbsolutePath());
        JoranConfigurator jc = new JoranConfigurator();
        jc.setContext(ctx);
        jc.doConfigure(config);
    }

    /** Stops every appender: files flushed and closed, the splitter's query.log closed. */
    private static void stopLogback() {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).reset();
    }

    private static void run(String scenario, Recorder rec, File mapper, File hbm)
            throws Exception {
        switch (scenario) {
            case "mybatis":
                runMyBatis(rec.dataSource("mybatis", h2(scenario)), mapper, scenario);
                break;
            case "p6spy-single":
            case "p6spy-multi":
                p6spyFormat(scenario.equals("p6spy-single")
                        ? "com.p6spy.engine.spy.appender.SingleLineFormat"
                        : "com.p6spy.engine.spy.appender.MultiLineFormat");
                // MyBatis over p6spy over the recorder: both frameworks log every statement.
                runMyBatis(new com.p6spy.engine.spy.P6DataSource(rec.dataSource("p6spy",
                        h2(scenario))), mapper, scenario);
                break;
            case "hibernate":
                runHibernate(rec, hbm, scenario, false);
                break;
            case "hibernate-format":
                runHibernate(rec, hbm, scenario, true);
                break;
            default:
                throw new IllegalArgumentException("unknown scenario " + scenario);
        }
    }

    private static DataSource h2(String name) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:" + name.replace('-', '_') + ";DB_CLOSE_DELAY=-1");
        ds.setUser("sa");
        return ds;
    }

    private static void p6spyFormat(String format) {
        // The first use loads the options from the system properties; a later scenario of the
        // same JVM changes the format the way p6spy's own reloading does.
        System.setProperty("p6spy.config.logMessageFormat", format);
        ((com.p6spy.engine.spy.P6SpyOptions) com.p6spy.engine.spy.P6SpyOptions.getActiveInstance())
                .setLogMessageFormat(format);
    }

    // ---- MyBatis ------------------------------------------------------------------------

    private static void runMyBatis(DataSource ds, File mapper, String scenario) throws Exception {
        org.apache.ibatis.session.Configuration cfg = new org.apache.ibatis.session.Configuration(
                new Environment(scenario, new JdbcTransactionFactory(), ds));
        try (InputStream in = new FileInputStream(mapper)) {
            new XMLMapperBuilder(in, cfg, mapper.getPath(), cfg.getSqlFragments()).parse();
        }
        SqlSessionFactory factory = new SqlSessionFactoryBuilder().build(cfg);
        String ns = "io.qsplit.clients.LibraryMapper.";
        LOG.info("Starting the library on {}", scenario);
        try (SqlSession s = factory.openSession(true)) {
            s.update(ns + "createAuthor");
            s.update(ns + "createBook");
            String[] names = {"Tolstoy", "Austen", "O'Brien"};
            for (int i = 0; i < names.length; i++) {
                s.insert(ns + "insertAuthor", map("id", i + 1, "name", names[i]));
            }
            String[] titles = {"War and Peace", "Emma", "At Swim-Two-Birds", "Persuasion"};
            int[] authors = {1, 2, 3, 2};
            int[] pages = {1225, 474, 316, 249};
            for (int i = 0; i < titles.length; i++) {
                s.insert(ns + "insertBook", map("id", i + 1, "title", titles[i],
                        "authorId", authors[i], "pages", pages[i]));
            }
            LOG.info("select and update are ordinary words in this message: loaded {} books",
                    titles.length);
        }
        try (SqlSession s = factory.openSession(false)) {
            // The nested select runs per book (====>); MyBatis's local cache answers repeats.
            List<Object> books = s.selectList(ns + "selectBooks", map("minPages", 300, "title",
                    null));
            LOG.info("{} long books", books.size());
            books = s.selectList(ns + "selectBooks", map("minPages", null, "title", "%a%"));
            s.selectList(ns + "selectAuthorsIn", map("ids", Arrays.asList(1, 2, 3)));
            Object n = s.selectOne(ns + "countTitles", map("prefix", "E"));
            LOG.info("titles with E: {}", n);
            s.update(ns + "renameAuthor", map("id", 3, "name", "Flann O'Brien"));
            s.delete(ns + "deleteBook", map("id", 4));
            s.update(ns + "purgeShortBooks", map("pages", 300));
            s.commit();
            try {
                s.selectList(ns + "selectMissing", map("id", 1));
            } catch (RuntimeException e) {
                // MyBatis's message repeats the SQL (### SQL: ...) inside a stack trace.
                LOG.error("Query failed, going on", e);
            }
            s.rollback();
        }
        LOG.info("Library on {} done", scenario);
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    // ---- Hibernate ----------------------------------------------------------------------

    private static void runHibernate(Recorder rec, File hbm, String scenario, boolean format)
            throws Exception {
        RecordingProvider.source = rec.dataSource("hibernate", h2(scenario));
        Configuration cfg = new Configuration();
        cfg.setProperty("hibernate.dialect", "org.hibernate.dialect.H2Dialect");
        cfg.setProperty("hibernate.connection.provider_class",
                RecordingProvider.class.getName());
        cfg.setProperty("hibernate.default_entity_mode", "dynamic-map");
        cfg.setProperty("hibernate.hbm2ddl.auto", "create");
        cfg.setProperty("hibernate.show_sql", "true");
        cfg.setProperty("hibernate.format_sql", Boolean.toString(format));
        cfg.setProperty("hibernate.cache.use_second_level_cache", "false");
        cfg.setProperty("hibernate.bytecode.use_reflection_optimizer", "false");
        cfg.addFile(hbm);
        LOG.info("Starting Hibernate on {}", scenario);
        SessionFactory sf = cfg.buildSessionFactory();
        try {
            Session s = sf.openSession();
            Transaction tx = s.beginTransaction();
            String[][] writers = {{"Tolstoy", "RU"}, {"Austen", "GB"}, {"O'Brien", "IE"}};
            List<Map<String, Object>> w = new java.util.ArrayList<>();
            for (int i = 0; i < writers.length; i++) {
                w.add(map("id", (long) (i + 1), "name", writers[i][0], "country",
                        writers[i][1]));
                s.save("Writer", w.get(i));
            }
            String[] titles = {"War and Peace", "Emma", "At Swim-Two-Birds", "Persuasion"};
            int[] by = {0, 1, 2, 1};
            for (int i = 0; i < titles.length; i++) {
                s.save("Novel", map("id", (long) (i + 1), "title", titles[i], "pages",
                        200 + 100 * i, "writer", w.get(by[i])));
            }
            tx.commit();
            s.close();

            s = sf.openSession();
            tx = s.beginTransaction();
            List<?> rows = s.createQuery("from Novel n where n.pages > :p order by n.id")
                    .setParameter("p", 250).list();
            LOG.info("{} novels over 250 pages", rows.size());
            s.createQuery("select w.name, count(n) from Novel n join n.writer w group by w.name")
                    .list();
            Object austen = s.get("Writer", 2L);
            @SuppressWarnings("unchecked")
            Map<String, Object> a = (Map<String, Object>) austen;
            s.createQuery("from Novel n where n.writer.id = :w").setParameter("w", 2L).list();
            a.put("country", "UK");
            s.createQuery("update Novel set pages = pages + 1 where pages < :p")
                    .setParameter("p", 400).executeUpdate();
            s.delete("Novel", s.get("Novel", 4L));
            tx.commit();
            s.close();
        } finally {
            sf.close();
        }
        LOG.info("Hibernate on {} done", scenario);
    }

    /** Hibernate's connections, from the recording DataSource of the running scenario. */
    public static final class RecordingProvider implements ConnectionProvider {
        static volatile DataSource source;

        @Override
        public void configure(Properties props) {}

        @Override
        public Connection getConnection() throws SQLException {
            return source.getConnection();
        }

        @Override
        public void closeConnection(Connection c) throws SQLException {
            c.close();
        }

        @Override
        public void close() {}

        @Override
        public boolean supportsAggressiveRelease() {
            return false;
        }
    }

    // ---- what reached the database ------------------------------------------------------

    /**
     * Writes one line per statement handed to the driver: LAYER TAB KIND TAB ID TAB SQL (SQL
     * with backslash, tab, CR and LF escaped; ID numbers the prepared statement, 0 for a
     * plain Statement). KIND is prepare (Connection.prepareStatement / prepareCall, recorded
     * before the driver sees it, so a statement the database refuses is there too),
     * execute-prepared (an execution of a prepared statement), add-batch (a prepared
     * statement's addBatch()) or execute (a Statement executing SQL text).
     */
    static final class Recorder implements AutoCloseable {
        private final Writer out;
        private int prepared;

        Recorder(File file) throws java.io.IOException {
            out = new PrintWriter(new OutputStreamWriter(new FileOutputStream(file),
                    StandardCharsets.UTF_8));
        }

        synchronized void record(String layer, String kind, int id, String sql) {
            try {
                out.write(layer + "\t" + kind + "\t" + id + "\t" + sql.replace("\\", "\\\\")
                        .replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r") + "\n");
                out.flush();
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() throws java.io.IOException {
            out.close();
        }

        DataSource dataSource(String layer, DataSource real) {
            return proxy(DataSource.class, real, (target, m, a) -> {
                Object r = m.invoke(target, a);
                return m.getName().equals("getConnection") ? connection(layer, (Connection) r)
                                                           : r;
            });
        }

        private Connection connection(String layer, Connection real) {
            return proxy(Connection.class, real, (target, m, a) -> {
                String name = m.getName();
                if ((name.equals("prepareStatement") || name.equals("prepareCall"))
                        && a != null && a[0] instanceof String) {
                    String sql = (String) a[0];
                    int id;
                    synchronized (this) {
                        id = ++prepared;
                    }
                    record(layer, "prepare", id, sql);
                    PreparedStatement ps = (PreparedStatement) m.invoke(target, a);
                    return prepared(layer, id, sql, ps);
                }
                Object r = m.invoke(target, a);
                if (name.equals("createStatement")) {
                    return statement(layer, (Statement) r);
                }
                return r;
            });
        }

        private Statement statement(String layer, Statement real) {
            return proxy(Statement.class, real, (target, m, a) -> {
                if (m.getName().startsWith("execute") && a != null && a.length > 0
                        && a[0] instanceof String) {
                    record(layer, "execute", 0, (String) a[0]);
                }
                return m.invoke(target, a);
            });
        }

        private PreparedStatement prepared(String layer, int id, String sql,
                PreparedStatement real) {
            return proxy(PreparedStatement.class, real, (target, m, a) -> {
                boolean noArgs = a == null || a.length == 0;
                if (m.getName().equals("addBatch") && noArgs) {
                    record(layer, "add-batch", id, sql);
                } else if (m.getName().startsWith("execute") && noArgs) {
                    record(layer, "execute-prepared", id, sql);
                }
                return m.invoke(target, a);
            });
        }

        interface Call {
            Object call(Object target, Method m, Object[] a) throws Exception;
        }

        private static <T> T proxy(Class<T> type, T target, Call call) {
            InvocationHandler h = (p, m, a) -> {
                if (m.getDeclaringClass() == Object.class) {
                    switch (m.getName()) {
                        case "equals":
                            return p == a[0];
                        case "hashCode":
                            return System.identityHashCode(p);
                        default:
                            return "Recorded(" + target + ")";
                    }
                }
                if (m.getName().equals("unwrap") || m.getName().equals("isWrapperFor")) {
                    return m.invoke(target, a);
                }
                try {
                    return call.call(target, m, a);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            };
            return type.cast(Proxy.newProxyInstance(Clients.class.getClassLoader(),
                    new Class<?>[] {type}, h));
        }
    }
}
