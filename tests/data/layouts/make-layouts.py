#!/usr/bin/env python3
"""Writes the layout samples used by tests/test-record.c.

Each <layout>.log holds console lines as Spring Boot writes them (ANSI colours as raw ESC
bytes); <layout>.expected has one line per log line, tab-separated:
    start <ts> <level> <thread> <logger> <message>
    cont
The fields are what the record-start pattern must extract: thread and logger without
padding or colour codes, the message from where it begins to the end of the line (a final
CR excluded from the comparison by the test). Run from this folder; output is deterministic.
"""

ESC = "\x1b"
RESET = ESC + "[0;39m"
LEVEL_COLOUR = {"ERROR": "31", "WARN": "33", "INFO": "32", "DEBUG": "32", "TRACE": "32"}


def clr(text, code):
    # Spring Boot's ColorConverter: start code, text, reset, even for empty text.
    return f"{ESC}[{code}m{text}{RESET}"


def thread15(name):
    return name[-15:].rjust(15)


def logger40(name):
    return name[-40:].ljust(40)


def boot2(ts, level, pid, thread, logger, msg, colour=False, dash=False):
    lv = level.rjust(5)
    if colour:
        return (f"{clr(ts, '2')} {clr(lv, LEVEL_COLOUR[level])} {clr(pid, '35')} "
                f"{clr('---', '2')} {clr('[' + thread15(thread) + ']', '2')} "
                f"{clr(logger40(logger), '36')} {clr(':', '2')} {msg}")
    return f"{ts} {'-' if dash else ''}{lv} {pid} --- [{thread15(thread)}] {logger40(logger)} : {msg}"


def boot32(ts, level, pid, thread, logger, msg, app="", corr="", colour=False):
    # 3.2/3.3: ... %clr(---){faint} %clr(${LOGGED_APPLICATION_NAME:-}[%15.15t]){faint}
    #          %clr(${LOG_CORRELATION_PATTERN:-}){faint}%clr(%-40.40logger{39}){cyan} ...
    lv = level.rjust(5)
    appname = f"[{app}] " if app else ""
    c = f"[{corr}] " if corr else ""
    if colour:
        return (f"{clr(ts, '2')} {clr(lv, LEVEL_COLOUR[level])} {clr(pid, '35')} "
                f"{clr('---', '2')} {clr(appname + '[' + thread15(thread) + ']', '2')} "
                f"{clr(c, '2')}{clr(logger40(logger), '36')} {clr(':', '2')} {msg}")
    return f"{ts} {lv} {pid} --- {appname}[{thread15(thread)}] {c}{logger40(logger)} : {msg}"


def boot34(ts, level, pid, thread, logger, msg, app="", group="", corr="", colour=False):
    # 3.4+: %clr(--- %esb(){APPLICATION_NAME}%esb{APPLICATION_GROUP}[%15.15t]
    #        ${LOG_CORRELATION_PATTERN:-}){faint}%clr(%-40.40logger{39}){cyan}
    lv = level.rjust(5)
    mid = "--- " + (f"[{app}] " if app else "") + (f"[{group}] " if group else "")
    mid += f"[{thread15(thread)}] " + (f"[{corr}] " if corr else "")
    if colour:
        return (f"{clr(ts, '2')} {clr(lv, LEVEL_COLOUR[level])} {clr(pid, '35')} "
                f"{clr(mid, '2')}{clr(logger40(logger), '36')} {clr(':', '2')} {msg}")
    return f"{ts} {lv} {pid} {mid}{logger40(logger)} : {msg}"


SQL_CONT = [
    "        id, user_name, email, created_at",
    "    FROM t_user",
    "    WHERE id = ?",
]
STACK = [
    "org.springframework.dao.DataIntegrityViolationException: ",
    "### Error updating database.  Cause: java.sql.SQLIntegrityConstraintViolationException: Duplicate entry '42' for key 'PRIMARY'",
    "\tat org.springframework.jdbc.support.SQLExceptionSubclassTranslator.doTranslate(SQLExceptionSubclassTranslator.java:87)",
    "\tat com.example.service.UserService.create(UserService.java:55)",
    "Caused by: java.sql.SQLIntegrityConstraintViolationException: Duplicate entry '42' for key 'PRIMARY'",
    "\t... 42 more",
    "2021-05-25 is the day the batch ran, see ticket OPS-17",
    "",
    "   2021-05-25 18:32:35.710 DEBUG indented lines are not records",
    "{\"event\":\"login\",\"ts\":\"2021-05-25T18:32:35.710Z\"}",
]


def write(name, rows, crlf=False):
    """rows: (line, fields-or-None)."""
    nl = "\r\n" if crlf else "\n"
    with open(name + ".log", "w", encoding="utf-8", newline="") as f:
        for line, _ in rows:
            f.write(line + nl)
    with open(name + ".expected", "w", encoding="utf-8", newline="\n") as f:
        for _, fields in rows:
            f.write("cont\n" if fields is None else "start\t" + "\t".join(fields) + "\n")


def rec(fn, ts, level, pid, thread, logger, msg, **kw):
    # Expected fields are as printed: thread and logger truncated, without padding.
    shown = (ts, level, thread15(thread).strip(), logger40(logger).strip(), msg)
    return (fn(ts, level, pid, thread, logger, msg, **kw), shown)


def cont(lines):
    return [(l, None) for l in lines]


def spring2(colour, dash=False, crlf=False):
    kw = {"colour": colour} if not dash else {"dash": True}
    rows = [
        rec(boot2, "2021-05-25 18:32:30.002", "INFO", "10788", "main",
            "c.e.DemoApplication", "Started DemoApplication in 4.211 seconds (JVM running for 4.9)", **kw),
        rec(boot2, "2021-05-25 18:32:35.710", "DEBUG", "10788", "http-nio-8081-exec-595",
            "c.e.mapper.UserMapper.selectById", "==>  Preparing: SELECT", **kw),
    ] + cont(SQL_CONT) + [
        rec(boot2, "2021-05-25 18:32:35.711", "DEBUG", "10788", "http-nio-8081-exec-595",
            "c.e.mapper.UserMapper.selectById", "==> Parameters: 42(Long)", **kw),
        rec(boot2, "2021-05-25 18:32:35.719", "DEBUG", "10788", "http-nio-8081-exec-595",
            "c.e.mapper.UserMapper.selectById", "<==      Total: 1", **kw),
        rec(boot2, "2021-05-25 18:32:36.100", "WARN", "10788", "RMI TCP Connection(2)-10.0.0.7",
            "o.s.b.a.jdbc.DataSourceHealthIndicator", "DataSource health check slow: 812 ms", **kw),
        rec(boot2, "2021-05-25 18:32:37.000", "ERROR", "10788", "http-nio-8081-exec-12",
            "o.a.c.c.C.[.[.[/].[dispatcherServlet]",
            "Servlet.service() for servlet [dispatcherServlet] threw exception", **kw),
    ] + cont(STACK) + [
        # No PID known: Spring Boot 2.x prints ${PID:- }, one blank (coloured if %clr).
        rec(boot2, "2021-05-25 18:32:37.500", "INFO", " ", "main", "c.e.NoPid", "pid unknown", **kw),
        rec(boot2, "2021-05-25 18:32:38.001", "TRACE", "10788", "scheduling-1",
            "o.s.s.s.TaskUtils$LoggingErrorHandler", "", **kw),
        rec(boot2, "2021-05-25 18:32:38.002", "INFO", "10788", "main",
            "p6spy", "1621960358002|3|statement|connection 7|url jdbc:mysql://db:3306/app|select 1|select 1", **kw),
    ]
    return rows


def spring3(colour):
    ts = ["2023-11-20T14:03:01.123+01:00", "2023-11-20T13:03:01.130Z", "2023-11-20T14:03:01.131+0100",
          "2023-11-20T14:03:02.004-05:00", "2023-11-20T14:03:02,250+01:00"]
    rows = [
        rec(boot2, ts[0], "INFO", "4711", "main", "com.example.shop.ShopApplication",
            "Starting ShopApplication using Java 17.0.9 with PID 4711", colour=colour),
        rec(boot2, ts[1], "DEBUG", "4711", "http-nio-8080-exec-1",
            "c.e.shop.mapper.OrderMapper.insert", "==>  Preparing: INSERT INTO t_order", colour=colour),
    ] + cont(["    (id, user_id, total)", "    VALUES (?, ?, ?)"]) + [
        rec(boot2, ts[2], "INFO", "4711", "task-3", "c.e.s.job.NightlyJob", "run: 12 orders", colour=colour),
        rec(boot2, ts[3], "WARN", "4711", "HikariPool-1 housekeeper", "com.zaxxer.hikari.pool.HikariPool",
            "HikariPool-1 - Thread starvation or clock leap detected (housekeeper delta=1m2s).", colour=colour),
        rec(boot2, ts[4], "ERROR", "4711", "main", "o.s.boot.SpringApplication", "Application run failed",
            colour=colour),
    ] + cont(STACK[:4])
    return rows


def spring32(colour):
    corr = "6553a2c4b0f1d2e3a4b5c6d7e8f90a1b-a1b2c3d4e5f60718"
    blank = " " * len(corr)
    rows = [
        rec(boot32, "2024-02-12T09:15:00.001+01:00", "INFO", "2201", "main", "com.example.billing.BillingApp",
            "Started BillingApp in 3.1 seconds (process running for 3.6)", app="billing", colour=colour),
        rec(boot32, "2024-02-12T09:15:04.512+01:00", "DEBUG", "2201", "http-nio-8080-exec-7",
            "c.e.b.mapper.InvoiceMapper.selectByCustomer", "==>  Preparing: SELECT *", app="billing",
            corr=corr, colour=colour),
    ] + cont(["    FROM invoice", "    WHERE customer_id = ?"]) + [
        rec(boot32, "2024-02-12T09:15:04.513+01:00", "DEBUG", "2201", "http-nio-8080-exec-7",
            "c.e.b.mapper.InvoiceMapper.selectByCustomer", "==> Parameters: 9001(Long)", app="billing",
            corr=blank, colour=colour),
        rec(boot32, "2024-02-12T09:15:05.000+01:00", "INFO", "2201", "scheduling-1", "c.e.b.job.Reminder",
            "sent 3 reminders", colour=colour),
        rec(boot32, "2024-02-12T09:15:05.001+01:00", "INFO", "2201", "main", "c.e.b.job.Reminder",
            "correlation only", corr=corr, colour=colour),
    ]
    return rows


def spring34(colour):
    corr = "0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331"
    rows = [
        rec(boot34, "2025-01-08T11:00:00.000Z", "INFO", "901", "main", "com.example.myapp.MyApp",
            "Started MyApp in 1.9 seconds", app="myapp", colour=colour),
        rec(boot34, "2025-01-08T11:00:01.250Z", "DEBUG", "901", "http-nio-8080-exec-2",
            "c.e.m.mapper.ItemMapper.list", "boundSql : select id, name", app="myapp", group="shop",
            corr=corr, colour=colour),
    ] + cont(["from item where price > 10", "order by name"]) + [
        rec(boot34, "2025-01-08T11:00:02.000Z", "INFO", "901", "main", "c.e.m.Other",
            "no application name", colour=colour),
        rec(boot34, "2025-01-08T11:00:03.000Z", "INFO", "", "main", "c.e.m.Other",
            "no pid", app="myapp", colour=colour),
    ]
    return rows


write("boot2-plain", spring2(False))
write("boot2-color", spring2(True))
write("boot2-crlf", spring2(False), crlf=True)
write("dash", spring2(False, dash=True))
write("boot3-plain", spring3(False))
write("boot3-color", spring3(True))
write("boot32-plain", spring32(False))
write("boot32-color", spring32(True))
write("boot34-plain", spring34(False))
write("boot34-color", spring34(True))
