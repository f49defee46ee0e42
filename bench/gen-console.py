#!/usr/bin/env python3
"""Generate a realistic Spring Boot console log of a MyBatis/p6spy service (seeded).

The output is what `qsplit split` is built for: MyBatis "==>  Preparing: " records with
multi-line indented SQL followed by "==> Parameters:" and "<==      Total:" records,
"boundSql : " interceptor records, p6spy single-line and multi-line statement and commit
records, ordinary INFO/WARN/DEBUG records and ERROR records with stack traces. A few hundred
statement shapes repeat (Zipf-like popularity, varying values) so QHash dedupe means something.

Same --seed, --layout and --size give the same bytes. Memory stays constant: records are
built from templates prepared once and written in ~1 MiB chunks. The output stops at the
first record boundary at or after --size bytes.

    gen-console.py --seed 1 --size 256M -o console.log
    gen-console.py --layout boot3 --records 300 -o console-boot3.log
"""

import argparse
import bisect
import calendar
import random
import sys
import time

LAYOUTS = ("boot2", "boot2-color", "boot3", "dash")

# ---- the schema the statements are drawn from --------------------------------------------

TABLES = {
    "users": ["id", "tenant_id", "username", "email", "display_name", "status", "created_at",
              "updated_at", "last_login_at", "locale"],
    "orders": ["id", "user_id", "order_no", "status", "total_amount", "currency", "coupon_id",
               "created_at", "paid_at", "shipped_at"],
    "order_items": ["id", "order_id", "product_id", "sku", "quantity", "unit_price",
                    "discount", "created_at"],
    "products": ["id", "category_id", "sku", "name", "description", "price", "stock",
                 "status", "created_at", "updated_at"],
    "categories": ["id", "parent_id", "name", "slug", "sort_order", "visible"],
    "addresses": ["id", "user_id", "line1", "line2", "city", "postal_code", "country",
                  "is_default"],
    "payments": ["id", "order_id", "provider", "provider_ref", "amount", "status",
                 "created_at", "settled_at"],
    "shipments": ["id", "order_id", "carrier", "tracking_no", "status", "shipped_at",
                  "delivered_at"],
    "coupons": ["id", "code", "discount_pct", "valid_from", "valid_to", "max_uses", "used"],
    "reviews": ["id", "product_id", "user_id", "rating", "title", "body", "created_at"],
    "inventory_moves": ["id", "product_id", "warehouse_id", "delta", "reason", "created_at"],
    "warehouses": ["id", "code", "name", "city", "country"],
    "audit_log": ["id", "actor_id", "action", "entity", "entity_id", "payload", "created_at"],
    "user_sessions": ["id", "user_id", "token_hash", "ip", "user_agent", "created_at",
                      "expires_at"],
    "tenants": ["id", "name", "plan", "created_at", "active"],
}
ALIAS = {t: "".join(w[0] for w in t.split("_")) for t in TABLES}
# (child table, child column, parent table): the joins that make sense.
FKS = [("orders", "user_id", "users"), ("order_items", "order_id", "orders"),
       ("order_items", "product_id", "products"), ("products", "category_id", "categories"),
       ("addresses", "user_id", "users"), ("payments", "order_id", "orders"),
       ("shipments", "order_id", "orders"), ("orders", "coupon_id", "coupons"),
       ("reviews", "product_id", "products"), ("reviews", "user_id", "users"),
       ("inventory_moves", "product_id", "products"),
       ("inventory_moves", "warehouse_id", "warehouses"), ("users", "tenant_id", "tenants"),
       ("user_sessions", "user_id", "users")]
MAPPER = {t: "".join(w.capitalize() for w in t.split("_")).rstrip("s") + "Mapper"
          for t in TABLES}
MAPPER["addresses"] = "AddressMapper"
MAPPER["categories"] = "CategoryMapper"

# Literals that appear verbatim in statement shapes: quotes, escapes and Unicode.
FIXED_LITERALS = ["'ACTIVE'", "'PAID'", "'it''s'", "'O''Brien'", "'Zürich'", "'東京都'",
                  "'naïve café'", "'50% off'", "'line\\nbreak'", "'ДОСТАВЛЕНО'", "'✓ ok'",
                  "'a\"b'", "'--not a comment'", "'/* not a comment */'"]
COMMENTS = ["-- hot path: keep the index on created_at", "/* {mapper}.{method} */",
            "/*+ INDEX({alias} idx_{table}_created_at) */", "-- TODO(ops): paginate",
            "/* tenant filter added by TenantInterceptor */", "-- légacy query, ask Jörg"]

FIRST_NAMES = ["alice", "bob", "carol", "dmitri", "élodie", "fatima", "günther", "hiro",
               "ines", "jürgen", "kenji", "lucía", "mårten", "noor", "o'neil", "paweł",
               "李娜", "zoë"]
CITIES = ["Berlin", "Zürich", "São Paulo", "Kraków", "東京", "Montréal", "Reykjavík", "Lyon"]
STATUSES = ["NEW", "PAID", "SHIPPED", "CANCELLED", "ACTIVE", "BLOCKED", "PENDING"]

# ---- logger names and layout fields ------------------------------------------------------

PKG = "com.example.shop"


def abbreviate(name, target=39):
    """logback's %logger{39}: shorten package segments left to right until it fits."""
    parts = name.split(".")
    i = 0
    while len(".".join(parts)) > target and i < len(parts) - 1:
        parts[i] = parts[i][0]
        i += 1
    return ".".join(parts)


def pad_logger(name):
    """%-40.40logger{39}: abbreviated, left-aligned, truncated from the left to 40."""
    s = abbreviate(name)
    if len(s) > 40:
        s = s[-40:]
    return s.ljust(40)


def pad_thread(name):
    """%15.15t: right-aligned, truncated from the left to 15."""
    return name[-15:].rjust(15)


RESET = "\x1b[0;39m"
LEVEL_COLOR = {"ERROR": "\x1b[31m", "WARN": "\x1b[33m"}


class Layout:
    """Builds the prefix of a record's first line; caches the per-second timestamp text."""

    def __init__(self, name, pid, app, tz):
        self.name = name
        self.pid = str(pid)
        self.app = app
        self.tz = tz
        self._sec = None
        self._sec_text = ""
        self._thr = {}
        self._log = {}

    def ts(self, ms):
        sec = ms // 1000
        if sec != self._sec:
            self._sec = sec
            t = time.gmtime(sec)
            sep = "T" if self.name == "boot3" else " "
            self._sec_text = time.strftime("%Y-%m-%d" + sep + "%H:%M:%S", t)
        text = "%s.%03d" % (self._sec_text, ms % 1000)
        if self.name == "boot3":
            text += self.tz
        return text

    def prefix(self, ms, level, thread, logger):
        key = (level, thread, logger)
        tail = self._log.get(key)
        if tail is None:
            tail = self._tail(level, thread, logger)
            self._log[key] = tail
        ts = self.ts(ms)
        if self.name == "boot2-color":
            return "\x1b[2m" + ts + RESET + tail
        return ts + tail

    def _tail(self, level, thread, logger):
        lvl = level.rjust(5)
        if self.name == "boot2":
            return " %s %s --- [%s] %s : " % (lvl, self.pid, pad_thread(thread),
                                              pad_logger(logger))
        if self.name == "boot2-color":
            col = LEVEL_COLOR.get(level, "\x1b[32m")
            return (" %s%s%s \x1b[35m%s%s \x1b[2m---%s \x1b[2m[%s]%s \x1b[36m%s%s "
                    "\x1b[2m:%s " % (col, lvl, RESET, self.pid, RESET, RESET,
                                     pad_thread(thread), RESET, pad_logger(logger), RESET,
                                     RESET))
        if self.name == "boot3":
            return " %s %s --- [%s] [%s] %s : " % (lvl, self.pid, self.app,
                                                   pad_thread(thread), pad_logger(logger))
        # dash: "-%5p", the full thread name, the logger abbreviated but not padded.
        return " -%s %s --- [%s] %s : " % (lvl, self.pid, thread, abbreviate(logger))


# ---- statement shapes --------------------------------------------------------------------

class Shape:
    """One statement shape: prepared SQL split at its '?' marks, and how to fill them.

    sql_parts has len(kinds) + 1 pieces; the prepared text is "?".join(sql_parts)."""

    __slots__ = ("kind", "table", "logger", "parts", "kinds", "prepared", "prepared_1l",
                 "weight")

    def __init__(self, kind, table, method, text, kinds):
        self.kind = kind  # select / insert / update / delete
        self.table = table
        self.logger = "%s.mapper.%s.%s" % (PKG, MAPPER[table], method)
        self.parts = text.split("?")
        self.kinds = kinds
        assert len(self.parts) == len(kinds) + 1, (text, kinds)
        self.prepared = text
        # p6spy's P6Util.singleLine: line breaks become spaces, indentation stays.
        self.prepared_1l = text.replace("\r\n", " ").replace("\n", " ")


def col_kind(col):
    if col == "id" or col.endswith("_id") or col in ("quantity", "stock", "delta", "rating",
                                                     "sort_order", "max_uses", "used"):
        return "int"
    if col.endswith("_at") or col.startswith("valid_"):
        return "ts"
    if col in ("price", "total_amount", "unit_price", "discount", "amount", "discount_pct"):
        return "dec"
    if col in ("visible", "is_default", "active"):
        return "bool"
    return "str"


def build_shapes(rng, count):
    shapes = []
    seen = set()
    tables = sorted(TABLES)
    ind = "        "

    def cols_of(t, k):
        cols = TABLES[t]
        chosen = sorted(rng.sample(range(len(cols)), min(k, len(cols))))
        return [cols[i] for i in chosen]

    def maybe_comment(t, method):
        if rng.random() < 0.15:
            c = rng.choice(COMMENTS).format(mapper=MAPPER[t], method=method, alias=ALIAS[t],
                                            table=t)
            return c + "\n" + ind
        return ""

    def where(t, a, n):
        conds, kinds = [], []
        cols = TABLES[t]
        for _ in range(n):
            c = rng.choice(cols)
            r = rng.random()
            if r < 0.55:
                conds.append("%s.%s = ?" % (a, c))
                kinds.append(col_kind(c))
            elif r < 0.7:
                conds.append("%s.%s %s ?" % (a, c, rng.choice([">=", "<", "<>"])))
                kinds.append(col_kind(c))
            elif r < 0.8:
                conds.append("%s.%s LIKE CONCAT('%%', ?, '%%')" % (a, c))
                kinds.append("str")
            elif r < 0.9:
                conds.append("%s.%s = %s" % (a, c, rng.choice(FIXED_LITERALS)))
            else:
                conds.append("%s.%s IS NOT NULL" % (a, c))
        return conds, kinds

    def in_list(k):
        # MyBatis <foreach open="(" separator="," close=")"> output, as it really looks.
        return "\n" + ind + " (\n" + (ind + "  ?\n" + ind + " ,\n") * (k - 1) + ind + \
            "  ?\n" + ind + " )"

    attempts = 0
    while len(shapes) < count and attempts < count * 50:
        attempts += 1
        t = rng.choice(tables)
        a = ALIAS[t]
        r = rng.random()
        if r < 0.45:  # SELECT, with 0-3 joins
            joins = []
            tabs = [t]
            for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
                opts = [fk for fk in FKS if (fk[0] in tabs) != (fk[2] in tabs)]
                if not opts:
                    break
                ch, col, par = rng.choice(opts)
                new = par if ch in tabs else ch
                kind = rng.choice(["JOIN", "LEFT JOIN", "INNER JOIN"])
                joins.append("%s %s %s ON %s.%s = %s.id" % (kind, new, ALIAS[new], ALIAS[ch],
                                                             col, ALIAS[par]))
                tabs.append(new)
            sel = []
            for tt in tabs:
                sel += ["%s.%s" % (ALIAS[tt], c) for c in cols_of(tt, rng.randint(4, 10))]
            conds, kinds = where(t, a, rng.randint(1, 3))
            method = rng.choice(["selectById", "selectPage", "findByFilter", "selectRecent",
                                 "listForUser", "searchByKeyword", "selectDetail"])
            text = "SELECT\n" + ind + maybe_comment(t, method) + \
                (",\n" + ind).join(sel) + "\n    FROM %s %s\n" % (t, a)
            for j in joins:
                text += "    " + j + "\n"
            text += "    WHERE " + "\n      AND ".join(conds)
            if rng.random() < 0.3:
                col = rng.choice(TABLES[t])
                k = rng.choice([1, 2, 3, 5, 8, 10, 20])
                text += "\n      AND %s.%s IN" % (a, col) + in_list(k)
                kinds += [col_kind(col)] * k
            if rng.random() < 0.2:
                sub_t = rng.choice(tables)
                text += ("\n      AND EXISTS (\n" + ind + "SELECT 1 FROM %s x\n" + ind +
                         "WHERE x.id = %s.id AND x.%s = ?\n      )") % (
                             sub_t, a, TABLES[sub_t][1])
                kinds.append(col_kind(TABLES[sub_t][1]))
            if rng.random() < 0.5:
                text += "\n    ORDER BY %s.%s %s" % (a, rng.choice(TABLES[t]),
                                                     rng.choice(["DESC", "ASC"]))
            if rng.random() < 0.4:
                text += "\n    LIMIT ?, ?"
                kinds += ["int", "int"]
            kind = "select"
        elif r < 0.55:  # aggregate
            gcol = rng.choice(TABLES[t][1:])
            conds, kinds = where(t, a, rng.randint(1, 2))
            method = rng.choice(["countByStatus", "summarize", "statsPerDay"])
            text = ("SELECT %s.%s, COUNT(*) AS cnt, MAX(%s.id) AS last_id\n    FROM %s %s\n"
                    "    WHERE %s\n    GROUP BY %s.%s\n    HAVING COUNT(*) > ?") % (
                        a, gcol, a, t, a, "\n      AND ".join(conds), a, gcol)
            kinds.append("int")
            kind = "select"
        elif r < 0.72:  # INSERT, single or multi-row VALUES
            cols = [c for c in TABLES[t] if c != "id"]
            cols = cols[:rng.randint(2, len(cols))]
            rows = rng.choice([1, 1, 1, 2, 3, 5, 10])
            method = "insert" if rows == 1 else "insertBatch"
            row = "(" + ", ".join("?" for _ in cols) + ")"
            text = "INSERT INTO %s (\n%s%s\n    ) VALUES\n" % (t, ind,
                                                              (",\n" + ind).join(cols))
            text += ",\n".join("      " + row for _ in range(rows))
            kinds = [col_kind(c) for c in cols] * rows
            kind = "insert"
        elif r < 0.92:  # UPDATE, MyBatis <set> output
            cols = cols_of(t, rng.randint(1, 5))
            cols = [c for c in cols if c != "id"] or ["updated_at"]
            method = rng.choice(["updateById", "updateStatus", "updateSelective", "touch"])
            text = "UPDATE %s\n    " % t + maybe_comment(t, method) + "SET " + \
                (",\n" + ind).join("%s = ?" % c for c in cols) + ",\n" + ind + \
                "updated_at = NOW()\n    WHERE id = ?"
            kinds = [col_kind(c) for c in cols] + ["int"]
            if rng.random() < 0.3:
                text += "\n      AND status <> %s" % rng.choice(FIXED_LITERALS)
            kind = "update"
        else:  # DELETE
            conds, kinds = where(t, t, rng.randint(1, 2))
            method = rng.choice(["deleteById", "purgeExpired"])
            text = "DELETE FROM %s\n    WHERE " % t + "\n      AND ".join(conds)
            kind = "delete"
        if text in seen:
            continue
        seen.add(text)
        shapes.append(Shape(kind, t, method, text, kinds))
    # Zipf-like popularity: a few hot statements, a long tail.
    order = list(range(len(shapes)))
    rng.shuffle(order)
    for rank, i in enumerate(order):
        shapes[i].weight = 1.0 / (rank + 1) ** 0.9
    return shapes


# ---- values ------------------------------------------------------------------------------

class Values:
    """Parameter values for a shape: MyBatis "v(Type)" text and SQL literals for p6spy."""

    def __init__(self, rng):
        self.rng = rng
        self.strs = [n for n in FIRST_NAMES] + CITIES + STATUSES + \
            ["%s@example.com" % n.replace("'", "") for n in FIRST_NAMES[:8]]

    def one(self, kind, ms):
        rng = self.rng
        if kind == "int":
            v = str(rng.randint(1, 99999))
            return v + "(Long)", v
        if kind == "dec":
            v = "%d.%02d" % (rng.randint(0, 999), rng.randint(0, 99))
            return v + "(BigDecimal)", v
        if kind == "bool":
            v = rng.choice(("true", "false"))
            return v + "(Boolean)", v
        if kind == "ts":
            then = ms // 1000 - rng.randint(0, 900000)
            t = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(then))
            return t + ".0(Timestamp)", "'" + t + "'"
        v = rng.choice(self.strs)
        if rng.random() < 0.02:
            return "null", "NULL"
        return v + "(String)", "'" + v.replace("'", "''") + "'"

    def fill(self, shape, ms):
        mb, lit = [], []
        for k in shape.kinds:
            a, b = self.one(k, ms)
            mb.append(a)
            lit.append(b)
        return mb, lit


def with_values(shape, lits):
    parts = shape.parts
    out = [parts[0]]
    for i, v in enumerate(lits):
        out.append(v)
        out.append(parts[i + 1])
    return "".join(out)


# ---- ordinary records --------------------------------------------------------------------

BANNER = r"""
  .   ____          _            __ _ _
 /\\ / ___'_ __ _ _(_)_ __  __ _ \ \ \ \
( ( )\___ | '_ | '_| | '_ \/ _` | \ \ \ \
 \\/  ___)| |_)| | | | | || (_| |  ) ) ) )
  '  |____| .__|_| |_|_| |_\__, | / / / /
 =========|_|==============|___/=/_/_/_/
 :: Spring Boot ::               (v{ver})

"""

STARTUP = [
    ("INFO", "main", PKG + ".ShopApplication",
     "Starting ShopApplication v1.4.2 using Java 17.0.9 on app-7f9c with PID {pid} "
     "(/opt/shop/shop.jar started by shop in /opt/shop)"),
    ("INFO", "main", PKG + ".ShopApplication",
     "The following 1 profile is active: \"prod\""),
    ("INFO", "main", "org.springframework.boot.web.embedded.tomcat.TomcatWebServer",
     "Tomcat initialized with port(s): 8081 (http)"),
    ("INFO", "main", "org.apache.catalina.core.StandardService", "Starting service [Tomcat]"),
    ("INFO", "main", "com.zaxxer.hikari.HikariDataSource", "HikariPool-1 - Starting..."),
    ("INFO", "main", "com.zaxxer.hikari.HikariDataSource", "HikariPool-1 - Start completed."),
    ("WARN", "main", "org.springframework.boot.autoconfigure.orm.jpa.JpaBaseConfiguration",
     "spring.jpa.open-in-view is enabled by default. Therefore, database queries may be "
     "performed during view rendering."),
    ("INFO", "main", "org.springframework.boot.web.embedded.tomcat.TomcatWebServer",
     "Tomcat started on port(s): 8081 (http) with context path ''"),
    ("INFO", "main", PKG + ".ShopApplication",
     "Started ShopApplication in 6.481 seconds (JVM running for 7.203)"),
]

ENDPOINTS = ["GET /api/users/{id}", "GET /api/orders?page={n}&size=20", "POST /api/orders",
             "PUT /api/orders/{id}/status", "GET /api/products/{id}",
             "GET /api/search?q=caf%C3%A9",
             "DELETE /api/sessions/{id}", "POST /api/payments/{id}/capture"]

WARNINGS = [
    ("com.zaxxer.hikari.pool.HikariPool",
     "HikariPool-1 - Thread starvation or clock leap detected (housekeeper delta=1m2s)."),
    (PKG + ".web.RequestTimingFilter", "Slow request {ep} took {n} ms"),
    ("org.springframework.web.servlet.mvc.support.DefaultHandlerExceptionResolver",
     "Resolved [org.springframework.web.HttpRequestMethodNotSupportedException: Request "
     "method 'PATCH' not supported]"),
    (PKG + ".service.CouponService", "Coupon 'SUMMER-ÉTÉ' exhausted for user {id}"),
]

TRACE_JDBC = [
    "\tat com.mysql.cj.jdbc.exceptions.SQLError.createSQLException(SQLError.java:117) "
    "~[mysql-connector-java-8.0.25.jar:8.0.25]",
    "\tat com.mysql.cj.jdbc.exceptions.SQLExceptionsMapping.translateException"
    "(SQLExceptionsMapping.java:122) ~[mysql-connector-java-8.0.25.jar:8.0.25]",
    "\tat com.mysql.cj.jdbc.ClientPreparedStatement.executeInternal"
    "(ClientPreparedStatement.java:953) ~[mysql-connector-java-8.0.25.jar:8.0.25]",
    "\tat com.zaxxer.hikari.pool.HikariProxyPreparedStatement.execute"
    "(HikariProxyPreparedStatement.java) ~[HikariCP-4.0.3.jar:na]",
    "\tat com.p6spy.engine.wrapper.PreparedStatementWrapper.execute"
    "(PreparedStatementWrapper.java:362) ~[p6spy-3.9.1.jar:3.9.1]",
    "\tat org.apache.ibatis.executor.statement.PreparedStatementHandler.update"
    "(PreparedStatementHandler.java:47) ~[mybatis-3.5.7.jar:3.5.7]",
    "\tat org.apache.ibatis.executor.SimpleExecutor.doUpdate(SimpleExecutor.java:50) "
    "~[mybatis-3.5.7.jar:3.5.7]",
]
TRACE_APP = [
    "\tat {pkg}.service.{svc}.{meth}({svc}.java:{line}) ~[classes!/:1.4.2]",
    "\tat {pkg}.service.{svc}$$FastClassBySpringCGLIB$$4e1b2c3d.invoke(<generated>) "
    "~[classes!/:1.4.2]",
    "\tat org.springframework.cglib.proxy.MethodProxy.invoke(MethodProxy.java:218) "
    "~[spring-core-5.3.7.jar:5.3.7]",
    "\tat org.springframework.transaction.interceptor.TransactionInterceptor.invoke"
    "(TransactionInterceptor.java:119) ~[spring-tx-5.3.7.jar:5.3.7]",
    "\tat {pkg}.web.{ctl}.{meth}({ctl}.java:{line}) ~[classes!/:1.4.2]",
    "\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:883) "
    "~[spring-webmvc-5.3.7.jar:5.3.7]",
    "\tat javax.servlet.http.HttpServlet.service(HttpServlet.java:764) "
    "~[tomcat-embed-core-9.0.46.jar:4.0.FR]",
    "\tat org.apache.tomcat.util.threads.TaskThread$WrappingRunnable.run(TaskThread.java:61) "
    "~[tomcat-embed-core-9.0.46.jar:9.0.46]",
    "\tat java.base/java.lang.Thread.run(Thread.java:833) ~[na:na]",
]


# ---- the generator -----------------------------------------------------------------------

class Generator:
    def __init__(self, seed, layout, shapes_n):
        self.rng = rng = random.Random(seed)
        self.layout_name = layout
        pid = rng.randint(1000, 65000)
        self.pid = pid
        tz = rng.choice(["+01:00", "+02:00", "Z", "-05:00", "+09:00", "+05:30"])
        if layout == "mixed":
            self.layouts = [Layout(n, pid, "shop", tz) for n in LAYOUTS]
        else:
            self.layouts = [Layout(layout, pid, "shop", tz)]
        self.ms = calendar.timegm((2021 + rng.randint(0, 3), rng.randint(1, 12),
                                   rng.randint(1, 28), 8, 0, 0, 0, 0, 0)) * 1000
        self.shapes = build_shapes(rng, shapes_n)
        acc, cum = 0.0, []
        for s in self.shapes:
            acc += s.weight
            cum.append(acc)
        self.cum, self.total_w = cum, acc
        self.values = Values(rng)
        self.threads = ["http-nio-8081-exec-%d" % i for i in range(1, 201)]
        self.url = "jdbc:mysql://db-primary:3306/shop?useSSL=false&serverTimezone=UTC"
        self.sql_bytes = 0  # characters of SQL text (statistics only)
        self.records = 0

    def pick_shape(self):
        return self.shapes[bisect.bisect(self.cum, self.rng.random() * self.total_w)]

    def rec(self, out, level, thread, logger, msg):
        self.ms += self.rng.randint(0, 7)
        lay = self.layouts[0] if len(self.layouts) == 1 else self.rng.choice(self.layouts)
        out.append(lay.prefix(self.ms, level, thread, logger))
        out.append(msg)
        out.append("\n")
        self.records += 1

    def startup(self, out):
        ver = "3.2.0" if self.layout_name == "boot3" else "2.5.0"
        out.append(BANNER.replace("{ver}", ver))
        for level, thread, logger, msg in STARTUP:
            self.rec(out, level, thread, logger, msg.replace("{pid}", str(self.pid)))

    # A request: an access record, then its statements, sometimes a warning or an error.
    def request(self, out):
        rng = self.rng
        self.ms += rng.randint(0, 400)  # idle time between requests
        thr = rng.choice(self.threads)
        ep = rng.choice(ENDPOINTS).replace("{id}", str(rng.randint(1, 9999))) \
            .replace("{n}", str(rng.randint(0, 50)))
        self.rec(out, "DEBUG", thr, "org.springframework.web.servlet.DispatcherServlet",
                 ep.replace(" ", " \"", 1) + "\", parameters={}")
        for _ in range(rng.choice((1, 2, 2, 3, 4, 5, 6))):
            r = rng.random()
            if r < 0.50:
                self.mybatis(out, thr, 1)
            elif r < 0.64:
                self.boundsql(out, thr)
            elif r < 0.82:
                self.p6spy_multi(out, thr)
            else:
                self.p6spy_single(out, thr)
        r = rng.random()
        if r < 0.05:
            w = rng.choice(WARNINGS)
            self.rec(out, "WARN", thr, w[0], w[1].replace("{ep}", ep)
                     .replace("{n}", str(rng.randint(1000, 9000)))
                     .replace("{id}", str(rng.randint(1, 9999))))
        elif r < 0.08:
            self.error(out, thr, ep)
        self.rec(out, "DEBUG", thr, "org.springframework.web.servlet.DispatcherServlet",
                 "Completed %s" % rng.choice(("200 OK", "200 OK", "200 OK", "201 CREATED",
                                              "404 NOT_FOUND")))
        if rng.random() < 0.3:
            self.rec(out, "INFO", thr, PKG + ".web.AccessLogFilter",
                     "%s status=200 took=%dms user=%s" % (ep, rng.randint(1, 400),
                                                         rng.choice(FIRST_NAMES)))

    def mybatis(self, out, thr, depth):
        sh = self.pick_shape()
        mb, _ = self.values.fill(sh, self.ms)
        arrow = "==" * depth
        self.rec(out, "DEBUG", thr, sh.logger, arrow + ">  Preparing: " + sh.prepared)
        self.sql_bytes += len(sh.prepared)
        self.rec(out, "DEBUG", thr, sh.logger, arrow + "> Parameters: " + ", ".join(mb))
        rng = self.rng
        if sh.kind == "select":
            n = rng.choice((0, 1, 1, 1, 2, 3, 10, 20))
            if n and rng.random() < 0.1:
                self.rec(out, "TRACE", thr, sh.logger, "<" + arrow + "    Columns: id, name")
                for i in range(min(n, 3)):
                    self.rec(out, "TRACE", thr, sh.logger,
                             "<" + arrow + "        Row: %d, %s" % (i + 1,
                                                                    rng.choice(FIRST_NAMES)))
            # A nested select (association with select=...) runs one level deeper.
            if depth == 1 and n and rng.random() < 0.08:
                self.mybatis(out, thr, 2)
            self.rec(out, "DEBUG", thr, sh.logger, "<" + arrow + "      Total: %d" % n)
        else:
            self.rec(out, "DEBUG", thr, sh.logger,
                     "<" + arrow + "    Updates: %d" % rng.choice((0, 1, 1, 1, 2)))

    def boundsql(self, out, thr):
        sh = self.pick_shape()
        _, lit = self.values.fill(sh, self.ms)
        sql = with_values(sh, lit)
        self.sql_bytes += len(sql)
        self.rec(out, "INFO", thr, PKG + ".config.SqlCostInterceptor", "boundSql : " + sql)
        self.rec(out, "INFO", thr, PKG + ".config.SqlCostInterceptor",
                 "%s cost %d ms" % (sh.logger.rsplit(".", 2)[1] + "." +
                                    sh.logger.rsplit(".", 1)[1], self.rng.randint(0, 80)))

    def p6spy_multi(self, out, thr):
        sh = self.pick_shape()
        _, lit = self.values.fill(sh, self.ms)
        sql = with_values(sh, lit)
        conn = self.rng.randint(1, 40)
        head = "#%d | took %dms | statement | connection %d| url %s\n" % (
            self.ms, self.rng.randint(0, 30), conn, self.url)
        self.sql_bytes += len(sh.prepared) + len(sql)
        self.rec(out, "INFO", thr, "p6spy", head + sh.prepared + "\n" + sql + ";")
        if sh.kind != "select" and self.rng.random() < 0.8:
            self.rec(out, "INFO", thr, "p6spy",
                     "#%d | took 0ms | commit | connection %d| url %s\n\n;" % (self.ms, conn,
                                                                               self.url))

    def p6spy_single(self, out, thr):
        sh = self.pick_shape()
        _, lit = self.values.fill(sh, self.ms)
        sql = with_values(sh, lit).replace("\n", " ")
        conn = self.rng.randint(1, 40)
        self.sql_bytes += len(sh.prepared_1l) + len(sql)
        self.rec(out, "INFO", thr, "p6spy", "%d|%d|statement|connection %d|url %s|%s|%s" % (
            self.ms, self.rng.randint(0, 30), conn, self.url, sh.prepared_1l, sql))
        if sh.kind != "select" and self.rng.random() < 0.8:
            self.rec(out, "INFO", thr, "p6spy",
                     "%d|0|commit|connection %d|url %s||" % (self.ms, conn, self.url))

    def error(self, out, thr, ep):
        rng = self.rng
        sh = self.pick_shape()
        _, lit = self.values.fill(sh, self.ms)
        svc = MAPPER[sh.table].replace("Mapper", "Service")
        ctl = MAPPER[sh.table].replace("Mapper", "Controller")
        meth = sh.logger.rsplit(".", 1)[1]
        lines = []
        if rng.random() < 0.5:
            # MyBatis wraps the statement into the exception text: SQL in a record that is
            # not a SQL record, which must pass through unchanged.
            lines.append("Servlet.service() for servlet [dispatcherServlet] in context with "
                         "path [] threw exception [Request processing failed; nested "
                         "exception is org.springframework.dao.DuplicateKeyException: ")
            lines.append("### Error updating database.  Cause: java.sql."
                         "SQLIntegrityConstraintViolationException: Duplicate entry "
                         "'%s' for key 'uk_%s'" % (rng.choice(FIRST_NAMES), sh.table))
            lines.append("### The error may exist in file [/opt/shop/mapper/%s.xml]"
                         % MAPPER[sh.table])
            lines.append("### SQL: " + sh.prepared_1l)
            lines.append("### Cause: java.sql.SQLIntegrityConstraintViolationException: "
                         "Duplicate entry] with root cause")
            lines.append("")
            lines.append("java.sql.SQLIntegrityConstraintViolationException: Duplicate "
                         "entry for key 'uk_%s'" % sh.table)
            lines += TRACE_JDBC
            logger = "org.apache.catalina.core.ContainerBase.[Tomcat].[localhost].[/]." \
                "[dispatcherServlet]"
        else:
            lines.append("Request %s failed" % ep)
            lines.append("java.lang.IllegalStateException: order %d is %s" % (
                rng.randint(1, 9999), rng.choice(STATUSES)))
            logger = PKG + ".web.GlobalExceptionHandler"
        for t in TRACE_APP[:rng.randint(3, len(TRACE_APP))]:
            lines.append(t.format(pkg=PKG, svc=svc, ctl=ctl, meth=meth,
                                  line=rng.randint(30, 400)))
        if rng.random() < 0.5:
            lines.append("Caused by: java.net.SocketTimeoutException: Read timed out")
            lines += TRACE_JDBC[:3]
            lines.append("\t... %d common frames omitted" % rng.randint(20, 90))
        self.rec(out, "ERROR", thr, logger, "\n".join(lines))

    def housekeeping(self, out):
        rng = self.rng
        r = rng.random()
        if r < 0.5:
            self.rec(out, "DEBUG", "HikariPool-1 housekeeper",
                     "com.zaxxer.hikari.pool.HikariPool",
                     "HikariPool-1 - Pool stats (total=10, active=%d, idle=%d, waiting=0)"
                     % (rng.randint(0, 10), rng.randint(0, 10)))
        else:
            thr = "scheduling-1"
            self.rec(out, "INFO", thr, PKG + ".job.ExpiredSessionJob",
                     "Purging sessions expired before %d" % (self.ms // 1000))
            self.mybatis(out, thr, 1)


def parse_size(text):
    mult = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    t = text.strip().upper().rstrip("B")
    unit = t[-1] if t and t[-1] in "KMG" else ""
    num = t[:-1] if unit else t
    try:
        value = float(num) * mult[unit]
    except ValueError:
        raise argparse.ArgumentTypeError("bad size %r (e.g. 512K, 256M, 1G)" % text)
    if value <= 0:
        raise argparse.ArgumentTypeError("size must be positive")
    return int(value)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--size", type=parse_size, default=None,
                    help="stop at the first record boundary at or after this many bytes "
                         "(K/M/G suffixes; default 1M unless --records is given)")
    ap.add_argument("--records", type=int, default=None,
                    help="stop after about this many log records instead")
    ap.add_argument("--layout", choices=LAYOUTS + ("mixed",), default="boot2",
                    help="console layout (default boot2); mixed picks one per record")
    ap.add_argument("--shapes", type=int, default=300,
                    help="distinct statement shapes in the working set (default 300)")
    ap.add_argument("--no-banner", action="store_true",
                    help="leave out the Spring banner and startup records")
    ap.add_argument("-o", "--output", default="-", help="output file (default stdout)")
    ap.add_argument("--stats", action="store_true",
                    help="print size, records and the SQL share of the output to stderr")
    args = ap.parse_args()
    if args.size is None and args.records is None:
        args.size = 1 << 20
    if args.shapes < 1:
        ap.error("--shapes must be at least 1")

    gen = Generator(args.seed, args.layout, args.shapes)
    out_f = sys.stdout.buffer if args.output == "-" else open(args.output, "wb")
    t0 = time.monotonic()
    written = 0
    chars = 0
    buf = []
    if not args.no_banner:
        gen.startup(buf)
    rng = gen.rng
    size = args.size
    max_rec = args.records
    try:
        while True:
            if rng.random() < 0.03:
                gen.housekeeping(buf)
            else:
                gen.request(buf)
            if len(buf) > 12000 or (max_rec is not None and gen.records >= max_rec):
                text = "".join(buf)
                buf.clear()
                data = text.encode("utf-8")
                out_f.write(data)
                written += len(data)
                chars += len(text)
                if (size is not None and written >= size) or \
                        (max_rec is not None and gen.records >= max_rec):
                    break
        out_f.flush()
    except BrokenPipeError:
        return 0
    finally:
        if out_f is not sys.stdout.buffer:
            out_f.close()
    if args.stats:
        dt = time.monotonic() - t0
        print("gen-console: %d bytes, %d records, %d shapes, SQL text %.1f%% of characters, "
              "%.1f s (%.1f MB/s)" % (written, gen.records, len(gen.shapes),
                                     100.0 * gen.sql_bytes / max(chars, 1), dt,
                                     written / 1e6 / max(dt, 1e-9)), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
