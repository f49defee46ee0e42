package io.qsplit.e2e;

import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A small application: real JDBC statements on an in-memory H2 database, logged the way
 * MyBatis' BaseJdbcLogger and p6spy log them, through whatever logback.xml is configured
 * (-Dlogback.configurationFile). Writes the statements it logged as SQL, one per line with
 * \n, \t and \\ escaped, to the file given as the first argument, for the checker; where
 * the format carries two forms of a statement (p6spy's prepared and effective SQL), both are
 * on the line, separated by a tab, since either may be what is hashed.
 */
public final class EndToEnd {
    private static final Logger SERVICE = LoggerFactory.getLogger("com.example.UserService");
    private static final Logger P6SPY = LoggerFactory.getLogger("p6spy");
    private static final String URL = "jdbc:h2:mem:e2e;DB_CLOSE_DELAY=-1";

    private final List<String> logged = new ArrayList<>();
    private final Connection conn;
    private int statementNo;

    private EndToEnd(Connection conn) {
        this.conn = conn;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: EndToEnd EXPECTED_OUT");
            System.exit(2);
        }
        try (Connection c = DriverManager.getConnection(URL, "sa", "")) {
            EndToEnd app = new EndToEnd(c);
            app.run();
            try (Writer w = Files.newBufferedWriter(Paths.get(args[0]), StandardCharsets.UTF_8)) {
                for (String s : app.logged)
                    w.write(s.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")
                        .replace("\u0001", "\t") + "\n");
            }
        }
        ((ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory()).stop();
    }

    private void run() throws SQLException {
        MDC.put("traceId", "e2e-0001");
        SERVICE.info("Starting e2e on {}", URL);
        myBatisUpdate("com.example.mapper.UserMapper.createTable",
            "CREATE TABLE users (\n    id    INT PRIMARY KEY,\n    name  VARCHAR(100) NOT NULL,\n"
            + "    email VARCHAR(200),\n    note  VARCHAR(200)\n)");
        String insert = "INSERT INTO users (id, name, email, note)\n     VALUES (?, ?, ?, ?)";
        myBatisUpdate("com.example.mapper.UserMapper.insert", insert, 1, "alice", "alice@example.com",
            "h\u00e9llo \ud83d\ude00");
        myBatisUpdate("com.example.mapper.UserMapper.insert", insert, 2, "bob", null, "it's");
        myBatisQuery("com.example.mapper.UserMapper.selectById",
            "SELECT id, name, email\n  FROM users\n WHERE id = ?   -- by primary key\n", 1);
        myBatisQuery("com.example.mapper.UserMapper.search",
            "SELECT u.id,\n       u.name\n  FROM users u\n /* search */\n WHERE u.name LIKE ?\n"
            + "   AND u.id IN (1, 2, 3)\n ORDER BY u.id", "%o%");
        p6spySingle("UPDATE users\n   SET email = ?\n WHERE id = ?", "bob@example.com", 2);
        p6spyMulti("SELECT COUNT(*)\n  FROM users\n WHERE email IS NOT NULL");
        p6spyCommit();
        try {
            myBatisQuery("com.example.mapper.UserMapper.broken", "SELECT nope\n  FROM users", 0);
        } catch (SQLException e) {
            SERVICE.error("Query failed", e);
        }
        SERVICE.info("Done: {} statements", statementNo);
        MDC.clear();
    }

    private PreparedStatement prepare(String sql, Object... params) throws SQLException {
        PreparedStatement ps = conn.prepareStatement(sql);
        for (int i = 0; i < params.length; i++)
            ps.setObject(i + 1, params[i]);
        return ps;
    }

    /** BaseJdbcLogger: "==>  Preparing: " + sql; "==> Parameters: v(Type), null, ..." */
    private static String parameters(Object... params) {
        StringBuilder sb = new StringBuilder();
        for (Object p : params) {
            if (sb.length() > 0)
                sb.append(", ");
            sb.append(p == null ? "null" : p + "(" + p.getClass().getSimpleName() + ")");
        }
        return sb.toString();
    }

    private void myBatisUpdate(String mapper, String sql, Object... params) throws SQLException {
        Logger log = LoggerFactory.getLogger(mapper);
        log.debug("==>  Preparing: {}", sql);
        logged.add(sql);
        log.debug("==> Parameters: {}", parameters(params));
        try (PreparedStatement ps = prepare(sql, params)) {
            log.debug("<==    Updates: {}", ps.executeUpdate());
        }
        statementNo++;
    }

    private void myBatisQuery(String mapper, String sql, Object... params) throws SQLException {
        Logger log = LoggerFactory.getLogger(mapper);
        log.debug("==>  Preparing: {}", sql);
        logged.add(sql);
        log.debug("==> Parameters: {}", parameters(params));
        statementNo++;
        try (PreparedStatement ps = prepare(sql, params); ResultSet rs = ps.executeQuery()) {
            ResultSetMetaData md = rs.getMetaData();
            StringBuilder cols = new StringBuilder();
            for (int i = 1; i <= md.getColumnCount(); i++)
                cols.append(i > 1 ? ", " : "").append(md.getColumnName(i));
            log.trace("<==    Columns: {}", cols);
            int rows = 0;
            while (rs.next())
                rows++;
            log.debug("<==      Total: {}", rows);
        }
    }

    /** P6Util.singleLine: line breaks and the indentation after them become one space. */
    private static String singleLine(String s) {
        return s.replaceAll("(\r\n|\r|\n)[\\s]*", " ");
    }

    private static String withValues(String sql, Object... params) {
        StringBuilder sb = new StringBuilder();
        int p = 0;
        for (char c : sql.toCharArray()) {
            if (c == '?' && p < params.length) {
                Object v = params[p++];
                sb.append(v instanceof Number ? v.toString() : "'" + v + "'");
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** SingleLineFormat: now|elapsed|category|connection id|url U|prepared|sql */
    private void p6spySingle(String sql, Object... params) throws SQLException {
        long start = System.currentTimeMillis();
        try (PreparedStatement ps = prepare(sql, params)) {
            ps.executeUpdate();
        }
        String real = singleLine(withValues(sql, params));
        P6SPY.info("{}|{}|statement|connection 0|url {}|{}|{}", System.currentTimeMillis(),
            System.currentTimeMillis() - start, URL, singleLine(sql), real);
        logged.add(real + "\u0001" + singleLine(sql));
        statementNo++;
    }

    /** MultiLineFormat: #now | took Nms | category | connection id| url U\nprepared\nsql; */
    private void p6spyMulti(String sql) throws SQLException {
        long start = System.currentTimeMillis();
        try (PreparedStatement ps = prepare(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
        }
        P6SPY.info("#{} | took {}ms | statement | connection 0| url {}\n{}\n{};",
            System.currentTimeMillis(), System.currentTimeMillis() - start, URL, sql, sql);
        logged.add(sql);
        statementNo++;
    }

    private void p6spyCommit() throws SQLException {
        conn.commit();
        P6SPY.info("{}|0|commit|connection 0|url {}||", System.currentTimeMillis(), URL);
    }

}
