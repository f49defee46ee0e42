SELECT Id,sysKey,sysName,sysValue,sort,sysDesc FROM sys_setting ORDER BY sort ASC 
@@@@
SELECT Id,sysKey,sysName,sysValue,sort,sysDesc FROM sys_setting ORDER BY sort ASC 
@@@@
SELECT COUNT(1) FROM t_rome WHERE (1=1) 
@@@@
SELECT id,`name`,`no`,`location`,campus,building,volume,facilities,detail,createTime FROM t_rome WHERE (1=1) 
@@@@
SELECT COUNT(1) FROM t_rome WHERE (1=1) 
@@@@
SELECT id,`name`,`no`,`location`,campus,building,volume,facilities,detail,createTime FROM t_rome WHERE (1=1) 
@@@@
SELECT Id,sysKey,sysName,sysValue,sort,sysDesc FROM sys_setting ORDER BY sort ASC 
@@@@
SELECT COUNT(1) FROM t_rome WHERE (1=1) 
@@@@
SELECT id,`name`,`no`,`location`,campus,building,volume,facilities,detail,createTime FROM t_rome WHERE (1=1) 
@@@@
SELECT Id,sysKey,sysName,sysValue,sort,sysDesc FROM sys_setting ORDER BY sort ASC 
