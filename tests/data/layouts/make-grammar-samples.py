#!/usr/bin/env python3
"""Writes the prefix-grammar samples of tests/data/layouts/ (docs/layouts.md): logback's,
log4j's and team layouts, framework stdout lines, and lines that must not start a record.

Each sample line sits next to what tests/test-record.c must read from it: a record start
with its timestamp, level, thread, logger, message (to the end of the line) and layout
(lib/layout.h's qsp_layout_name), or a bare string for a continuation line. The lines are
written by hand from the layouts' documentation and real logs, not computed. Run from this
folder; output is deterministic.
"""
D = '.'
E='\x1b'
def w(name, rows):
    logs=[];exps=[]
    for r in rows:
        if isinstance(r,str):
            logs.append(r); exps.append('cont')
        else:
            line, ts, lv, th, lg, msg, lay = r
            logs.append(line); exps.append('\t'.join(['start',ts,lv,th,lg,msg,lay]))
    open(f'{D}/{name}.log','w',encoding='utf-8').write('\n'.join(logs)+'\n')
    open(f'{D}/{name}.expected','w',encoding='utf-8').write('\n'.join(exps)+'\n')

P='prefix'
# logback's own default (BasicConfigurator before 1.3, the manual's examples)
w('logback-default', [
 ('18:32:30.002 [main] INFO  c.e.DemoApplication - Started DemoApplication in 4.211 seconds','18:32:30.002','INFO','main','c.e.DemoApplication','Started DemoApplication in 4.211 seconds',P),
 ('18:32:35.710 [http-nio-8081-exec-1] DEBUG c.e.mapper.UserMapper.selectById - ==>  Preparing: SELECT id, name','18:32:35.710','DEBUG','http-nio-8081-exec-1','c.e.mapper.UserMapper.selectById','==>  Preparing: SELECT id, name',P),
 '    FROM t_user',
 '    WHERE id = ?',
 ('18:32:35.711 [http-nio-8081-exec-1] DEBUG c.e.mapper.UserMapper.selectById - ==> Parameters: 42(Long)','18:32:35.711','DEBUG','http-nio-8081-exec-1','c.e.mapper.UserMapper.selectById','==> Parameters: 42(Long)',P),
 ('18:32:35.715 [http-nio-8081-exec-1] DEBUG org.hibernate.SQL - ','18:32:35.715','DEBUG','http-nio-8081-exec-1','org.hibernate.SQL','',P),
 '    select',
 '        u.id ',
 '    from',
 '        users u',
 ('18:32:36.100 [http-nio-8081-exec-2] INFO  p6spy - 1622000000000|3|statement|connection 1|url jdbc:h2:mem:|select 1|select 1','18:32:36.100','INFO','http-nio-8081-exec-2','p6spy','1622000000000|3|statement|connection 1|url jdbc:h2:mem:|select 1|select 1',P),
 ('18:32:36.500 [http-nio-8081-exec-2] INFO  jdbc.sqltiming - select 1 from dual ','18:32:36.500','INFO','http-nio-8081-exec-2','jdbc.sqltiming','select 1 from dual ',P),
 ' {executed in 2 msec}',
 ('18:32:37.000 [http-nio-8081-exec-3] ERROR o.a.c.c.C.[.[.[/].[dispatcherServlet] - Servlet.service() threw exception','18:32:37.000','ERROR','http-nio-8081-exec-3','o.a.c.c.C.[.[.[/].[dispatcherServlet]','Servlet.service() threw exception',P),
 'org.springframework.jdbc.BadSqlGrammarException: bad SQL grammar',
 '\tat org.springframework.jdbc.support.SQLExceptionSubclassTranslator.doTranslate(SQLExceptionSubclassTranslator.java:87)',
 'Caused by: java.sql.SQLSyntaxErrorException: Table \'x\' doesn\'t exist',
 '\t... 42 more',
 'INSERT INTO t VALUES (1)',
 'DELETE FROM t',
 'WHERE x = 1',
 'ERRORS: 3',
 'INFORMATION_SCHEMA.TABLES',
])
# logback 1.3+ TTLLLayout (BasicConfigurator): "%d{HH:mm:ss.SSS} [%thread] %-5level %logger{36} -%kvp- %msg%n"
w('logback-ttll', [
 ('09:15:04.512 [main] DEBUG org.mybatis.example.BlogMapper.selectBlog -- ==>  Preparing: select * from Blog where id = ?','09:15:04.512','DEBUG','main','org.mybatis.example.BlogMapper.selectBlog','==>  Preparing: select * from Blog where id = ?',P),
 ('09:15:04.530 [main] DEBUG org.mybatis.example.BlogMapper.selectBlog -- <==      Total: 1','09:15:04.530','DEBUG','main','org.mybatis.example.BlogMapper.selectBlog','<==      Total: 1',P),
])
# log4j 2: the default "%d{HH:mm:ss.SSS} [%t] %-5level %logger{36} - %msg%n", ISO8601 with T
# and comma, a zone, and "%d %p %c{1.} [%t] %m%n"
w('log4j2', [
 ('12:08:35.431 [main] ERROR com.example.App - boom','12:08:35.431','ERROR','main','com.example.App','boom',P),
 ('2021-05-25T18:32:35,710 DEBUG [main] o.h.SQL - select a from b','2021-05-25T18:32:35,710','DEBUG','main','o.h.SQL','select a from b',P),
 ('2021-05-25 18:32:35.710 +0800 [main] INFO  c.e.Job - zoned','2021-05-25 18:32:35.710 +0800','INFO','main','c.e.Job','zoned',P),
 ('2021-05-25 18:32:35,710 DEBUG o.h.SQL [main] select a from b','2021-05-25 18:32:35,710','DEBUG','main','o.h.SQL','select a from b',P),
 ('2021/05/25 18:32:35 WARN  [pool-1-thread-1] c.e.Cache : eviction','2021/05/25 18:32:35','WARN','pool-1-thread-1','c.e.Cache','eviction',P),
 ('25 May 2021 18:32:35,710 INFO  [main] c.e.Old - log4j DATE','25 May 2021 18:32:35,710','INFO','main','c.e.Old','log4j DATE',P),
 ('25-May-2021 18:32:35.710 INFO [main] org.apache.catalina.startup.Catalina.start Server startup in 912 ms','25-May-2021 18:32:35.710','INFO','main','org.apache.catalina.startup.Catalina.start','Server startup in 912 ms',P),
 ('32:35.710 DEBUG c.e.Fast - mm:ss.SSS','32:35.710','DEBUG','','c.e.Fast','mm:ss.SSS',P),
 ('2021-05-25 INFO  c.e.Daily - date only','2021-05-25','INFO','','c.e.Daily','date only',P),
])
# Team patterns from issue 10 and the MyBatis / log4j 1 documentation
w('team-patterns', [
 ('[2021-05-25 18:32:35.710] [http-nio-8080-exec-1] DEBUG c.e.m.UserMapper.selectById - ==>  Preparing: select 1','2021-05-25 18:32:35.710','DEBUG','http-nio-8080-exec-1','c.e.m.UserMapper.selectById','==>  Preparing: select 1',P),
 ('DEBUG: c.e.m.UserMapper.selectById - ==>  Preparing: select 2','','DEBUG','','c.e.m.UserMapper.selectById','==>  Preparing: select 2',P),
 ('2021-05-25 18:32:35,710 [main] ==>  Preparing: select 3','2021-05-25 18:32:35,710','','main','','==>  Preparing: select 3',P),
 ('[DEBUG][c.e.m.UserMapper.selectById][debug][143] -> ==>  Preparing: select 4','','DEBUG','debug','c.e.m.UserMapper.selectById','==>  Preparing: select 4',P),
 ('DEBUG [main] - ==>  Preparing: select 5','','DEBUG','main','','==>  Preparing: select 5',P),
 (' INFO [main] - padded by %5p','',' INFO'.strip(),'main','','padded by %5p',P),
 (' WARN [main] c.e.Pool - slow','','WARN','main','c.e.Pool','slow',P),
 ('1234 [main] DEBUG c.e.m.UserMapper.selectById  - ==>  Preparing: select 6','','DEBUG','main','c.e.m.UserMapper.selectById','==>  Preparing: select 6',P),
 ('[DEBUG] 2021-05-25 18:32:35 c.e.m.UserMapper: ==>  Preparing: select 7','2021-05-25 18:32:35','DEBUG','','c.e.m.UserMapper','==>  Preparing: select 7',P),
 ('2021-05-25 18:32:35.710 main DEBUG c.e.m.UserMapper - select 8','2021-05-25 18:32:35.710','DEBUG','main','c.e.m.UserMapper','select 8',P),
 ('18:32:35.710 DEBUG c.e.m.UserMapper:42 - select 9','18:32:35.710','DEBUG','','c.e.m.UserMapper','select 9',P),
 ('2012-07-31 12:08:35,431 [INFO ] sqltiming sqlTimingOccured - ','2012-07-31 12:08:35,431','INFO','','sqltiming','',P),
 '    insert into t values (1)  {executed in 31 msec}',
 ('2017-10-09 11:50:40,728 DEBUG org.apache.ibatis.logging.jdbc.BaseJdbcLogger.debug(BaseJdbcLogger.java:159) - ==>  Preparing: select 10','2017-10-09 11:50:40,728','DEBUG','','','==>  Preparing: select 10',P),
 ('[22:28:47:647] [DEBUG] - org.apache.ibatis.logging.slf4j.Slf4jImpl.debug(Slf4jImpl.java:28) - ==>  Executing: select 11','22:28:47:647','DEBUG','','','==>  Executing: select 11',P),
 ('DEBUG 11-30 11:10:05,796 ==>  Preparing: select 12   (BaseJdbcLogger.java:145) ','11-30 11:10:05,796','DEBUG','','','==>  Preparing: select 12   (BaseJdbcLogger.java:145) ',P),
 ('[bbs] 2016-10-08 13:38:33,948 DEBUG [RMI TCP Connection(3)-127.0.0.1] SELECT.1915324600 | ==> Parameters: ','2016-10-08 13:38:33,948','DEBUG','RMI TCP Connection(3)-127.0.0.1','SELECT.1915324600','==> Parameters: ',P),
 ('2021-05-25 18:32:35.710 | DEBUG | [main] c.e.m.UserMapper - select 13','2021-05-25 18:32:35.710','DEBUG','main','c.e.m.UserMapper','select 13',P),
 ('2016-10-08 13:38:33  [ main:0 ] - [ DEBUG ]  ==>  Preparing: select 15','2016-10-08 13:38:33','DEBUG','main:0','','==>  Preparing: select 15',P),
 ('18:32:35,710 DEBUG SQL:111 - select 16','18:32:35,710','DEBUG','','SQL','select 16',P),
 ('2021-05-25 18:32:35,710  INFO [jdbc.sqlonly] select 17','2021-05-25 18:32:35,710','INFO','','jdbc.sqlonly','select 17',P),
 ('2021-05-25 18:32:35.710 DEBUG [main] c.e.Mapper.debug(143) - select 18','2021-05-25 18:32:35.710','DEBUG','main','','select 18',P),
 ('1865 17:18:58,779 INFO  [STDOUT] Hibernate: select 14','17:18:58,779','INFO','STDOUT','','Hibernate: select 14',P),
 ('2021-05-25 18:32:35.710 DEBUG 4711 --- [main] c.e.Odd - x','2021-05-25 18:32:35.710','DEBUG','main','c.e.Odd','x',P),
])
# logback %highlight / %cyan colours (real ESC bytes), Spring-like "%clr" without Boot's layout
R=E+'[0;39m'
w('logback-color', [
 (f'{E}[30m18:32:35.710{R} {E}[34m[main]{R} {E}[1;34mDEBUG{R} {E}[36mc.e.m.UserMapper{R} - ==>  Preparing: select 1','18:32:35.710','DEBUG','main','c.e.m.UserMapper','==>  Preparing: select 1',P),
 (f'{E}[1;31mERROR{R} {E}[36mc.e.Boom{R} - failed','','ERROR','','c.e.Boom','failed',P),
 f'    {E}[36mcontinued{R}',
])
# Lines frameworks print to stdout with no prefix: each a record, the whole line its message
w('stdout', [
 ('Hibernate: select u.id from users u where u.id=?','','','','','Hibernate: select u.id from users u where u.id=?','hibernate-stdout'),
 ('Hibernate: ','','','','','Hibernate: ','hibernate-stdout'),
 '    select',
 '        u.id ',
 '    from',
 '        users u',
 ('==>  Preparing: SELECT * FROM room WHERE id = ?','','','','','==>  Preparing: SELECT * FROM room WHERE id = ?','mybatis-stdout'),
 ('==> Parameters: 17(Integer)','','','','','==> Parameters: 17(Integer)','mybatis-stdout'),
 ('<==    Columns: room_id, title','','','','','<==    Columns: room_id, title','mybatis-stdout'),
 ('<==        Row: 17, room','','','','','<==        Row: 17, room','mybatis-stdout'),
 ('====>  Preparing: SELECT * FROM member WHERE room_id = ?','','','','','====>  Preparing: SELECT * FROM member WHERE room_id = ?','mybatis-stdout'),
 ('<====      Total: 2','','','','','<====      Total: 2','mybatis-stdout'),
 ('==>  Executing: select 1','','','','','==>  Executing: select 1','mybatis-stdout'),
 'Closing non transactional SqlSession [org.apache.ibatis.session.defaults.DefaultSqlSession@23ee2ccf]',
 ('#1503495230733 | took 3ms | statement | connection 5|INSERT INTO t (a) VALUES (?)','','','','','#1503495230733 | took 3ms | statement | connection 5|INSERT INTO t (a) VALUES (?)','p6spy-stdout'),
 "INSERT INTO t (a) VALUES ('x');",
 ('1605166843960|0|statement|connection 1|url jdbc:h2:mem:|select 1|select 1','','','','','1605166843960|0|statement|connection 1|url jdbc:h2:mem:|select 1|select 1','p6spy-stdout'),
 ('12:06:12|40|statement|connection 1|select relname from pg_class|','','','','','12:06:12|40|statement|connection 1|select relname from pg_class|','p6spy-stdout'),
 (' Consume Time\uff1a24 ms 2022-04-07 20:04:20','','','','','Consume Time\uff1a24 ms 2022-04-07 20:04:20','p6spy-stdout'),
 ' Execute SQL\uff1aSELECT student_no,name FROM student',
 '',
 ('Name:MyDS, Connection:3, Time:5, Success:True','','','','','Name:MyDS, Connection:3, Time:5, Success:True','datasource-proxy-stdout'),
 'Type:Prepared, Batch:False, QuerySize:1, BatchSize:0',
 'Query:["select * from information_schema.sequences"]',
 'Params:[()]',
 ('{"@timestamp":"2021-05-25T18:32:35.710+08:00","message":"==>  Preparing: select 1","logger_name":"c.e.M","level":"DEBUG"}','','','','','','json'),
 '{"event":"login","ts":"2021-05-25T18:32:35.710Z"}',
])
# Continuation lines that look a little like record starts and are not
w('not-records', [
 ('2021-05-25 18:32:35.710 INFO  c.e.App - first','2021-05-25 18:32:35.710','INFO','','c.e.App','first',P),
 '2021-05-25 is the day the batch ran, see ticket OPS-17',
 '12:30 is lunch',
 '1 [main]',
 'Hibernate:select',
 '==>x',
 '<= 3',
 '#1 took 3ms',
 'INFORMATION',
 'DEBUGGING: no',
 'Name: Tom',
 '[cache] warmed',
 '[1][success][5ms][conn=1] ProxyDataSource#getConnection()',
 'Exception in thread "main" java.lang.IllegalStateException: x',
 '\tat com.example.App.main(App.java:10)',
 '  DEBUG [main] - indented',
 ' \tDEBUG tab',
 ' INFOS',
 ' 2021-05-25 18:32:35.710 INFO x - padded timestamps are no layout',
 '{"level": 3}',
 '',
])
