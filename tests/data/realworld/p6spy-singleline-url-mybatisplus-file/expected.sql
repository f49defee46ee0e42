SELECT COUNT(*) AS total FROM user WHERE deleted = 0
@@@@
SELECT  id,name,age,email,deleted,version,create_time,update_time  FROM user   WHERE deleted=0 LIMIT 9
@@@@
SELECT COUNT(*) AS total FROM user WHERE deleted = 0
@@@@
SELECT  id,name,age,email,deleted,version,create_time,update_time  FROM user   WHERE deleted=0 LIMIT 9
